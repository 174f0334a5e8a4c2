import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { AUDIO_FEATURES } from './audio-features';
import { TrackFeaturesDto } from './track-features.dto';
import { LISTENING_EXAMPLES } from '../listening/listening-examples';
import type { TracksBodyOptions } from './tracks-body.pipe';

/**
 * Documents a body that takes tracks in any accepted shape (see parseListeningBody), with a runnable
 * example of audio-feature rows and one of each listening shape, and the features the route
 * requires (`options`: the same object the route's ListeningBodyPipe gets).
 */
export function ApiTracksBody(
  description: string,
  example: unknown,
  options: Pick<TracksBodyOptions, 'requiredFeatures'> = {},
): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(TrackFeaturesDto),
    ApiBody({
      description: `${description} ${requiredFeaturesText(options.requiredFeatures ?? AUDIO_FEATURES)} Accepted shapes, recognised by their fields: audio-feature rows (a JSON array, {"tracks": [...]}, or a pandas column-oriented object); track ids, spotify:track: URIs or open.spotify.com links (strings, or {id}/{uri} objects with played_at); Spotify Web API answers (a track object, recently played, top tracks, saved tracks, playlist items); Spotify's Extended streaming history and Account data history files; ListenBrainz listens (JSON, or its export's JSON Lines). A row without features takes the catalog's, by id, else by artist and title; \`resolved\` counts how, and each unused row is in \`skipped\` with its reason.`,
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
          {
            type: 'array',
            description:
              'Track ids, URIs or links; Spotify track objects; Extended or Account-data history rows; ListenBrainz listens',
            items: {},
          },
          {
            type: 'object',
            description:
              'A Spotify Web API answer ({"items": [...]}, a track object) or ListenBrainz listens ({"payload": {"listens": [...]}})',
          },
        ],
      },
      examples: {
        features: { summary: 'Audio-feature rows', value: example },
        ...LISTENING_EXAMPLES,
      },
    }),
  );
}

function requiredFeaturesText(required: readonly string[]): string {
  if (required.length === AUDIO_FEATURES.length)
    return 'A row that carries audio features needs all 13, where the catalog cannot fill them.';
  const optional = AUDIO_FEATURES.filter((feature) => !required.includes(feature));
  if (required.length === 0) return 'A row that carries audio features may omit any.';
  return `A row that carries audio features needs ${required.join(', ')} (the catalog fills them where it holds the track); it may omit ${optional.join(', ')}.`;
}
