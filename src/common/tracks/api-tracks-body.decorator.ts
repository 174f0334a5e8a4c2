import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { AUDIO_FEATURES } from './audio-features';
import { TrackFeaturesDto } from './track-features.dto';
import type { TracksBodyOptions } from './tracks-body.pipe';

/**
 * Documents a body that takes tracks in any of the three accepted shapes, with a runnable example
 * and the features the route requires (`options`: the same object the route's TracksBodyPipe gets).
 */
export function ApiTracksBody(
  description: string,
  example: unknown,
  options: Pick<TracksBodyOptions, 'requiredFeatures'> = {},
): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(TrackFeaturesDto),
    ApiBody({
      description: `${description} ${requiredFeaturesText(options.requiredFeatures ?? AUDIO_FEATURES)} Accepted shapes: a JSON array of tracks, {"tracks": [...]}, or a pandas column-oriented object ({"danceability": {"0": 0.78}, ...}). Rows whose audio features are all empty are skipped and reported.`,
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

function requiredFeaturesText(required: readonly string[]): string {
  if (required.length === AUDIO_FEATURES.length) return 'Every track needs all 13 audio features.';
  const optional = AUDIO_FEATURES.filter((feature) => !required.includes(feature));
  if (required.length === 0) return 'A track may omit any audio feature it lacks.';
  return `Every track needs ${required.join(', ')}; it may omit ${optional.join(', ')}.`;
}
