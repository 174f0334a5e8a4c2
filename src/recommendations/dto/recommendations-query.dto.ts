import { ApiProperty } from '@nestjs/swagger';
import { RECOMMENDATION_PARAMETERS, type ParameterSpec } from '../recommendation-parameters';

const SWAGGER_TYPE: Record<ParameterSpec['kind'], 'string' | 'integer' | 'number' | 'boolean'> = {
  list: 'string',
  text: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
};

/** Documents each parameter of `call` on the class, from the one parameter table the pipe reads. */
function documentParameters(target: { prototype: object }, call: 'get' | 'post'): void {
  for (const spec of RECOMMENDATION_PARAMETERS) {
    if (!spec.calls.includes(call)) continue;
    ApiProperty({
      required: false,
      type: SWAGGER_TYPE[spec.kind],
      description: spec.description,
      minimum: spec.min,
      maximum: spec.max,
      default: spec.default,
      example: spec.example,
    })(target.prototype, spec.name);
  }
}

/** Query of GET /recommendations: Spotify's legacy parameters and the service's own (Swagger only). */
export class RecommendationsQueryDto {}
documentParameters(RecommendationsQueryDto, 'get');

/** Query of POST /recommendations: as GET without seeds, plus the trend's periods and freq. */
export class HistoryRecommendationsQueryDto {}
documentParameters(HistoryRecommendationsQueryDto, 'post');
