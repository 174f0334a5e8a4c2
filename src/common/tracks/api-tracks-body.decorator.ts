import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { TrackFeaturesDto } from './track-features.dto';

/**
 * Documents a body that takes tracks in any of the three accepted shapes, with a runnable example.
 */
export function ApiTracksBody(description: string, example: unknown): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(TrackFeaturesDto),
    ApiBody({
      description: `${description} Accepted shapes: a JSON array of tracks, {"tracks": [...]}, or a pandas column-oriented object ({"danceability": {"0": 0.78}, ...}). Rows whose audio features are all empty are skipped and reported.`,
      schema: {
        oneOf: [
          { type: 'array', items: { $ref: getSchemaPath(TrackFeaturesDto) } },
          {
            type: 'object',
            required: ['tracks'],
            properties: {
              tracks: { type: 'array', items: { $ref: getSchemaPath(TrackFeaturesDto) } },
            },
          },
          {
            type: 'object',
            description: 'pandas DataFrame.to_json() column-oriented form',
            additionalProperties: { type: 'object', additionalProperties: {} },
          },
        ],
        example,
      },
    }),
  );
}
