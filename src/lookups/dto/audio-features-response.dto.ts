import { ApiProperty } from '@nestjs/swagger';
import { AUDIO_FEATURE_RULES, AUDIO_FEATURES } from '../../common/tracks/audio-features';
import { EXAMPLE_FEATURES, EXAMPLE_TRACK_ID } from '../../catalog/dto/catalog.examples';

/**
 * Spotify's audio-features object: the 13 features (null where the catalog lacks one), then `id`,
 * `uri`, `track_href`, `analysis_url` (Spotify's addresses, as Spotify writes them) and `type`.
 */
export class AudioFeaturesObjectDto {
  declare danceability: number | null;
  declare energy: number | null;
  declare key: number | null;
  declare loudness: number | null;
  declare mode: number | null;
  declare speechiness: number | null;
  declare acousticness: number | null;
  declare instrumentalness: number | null;
  declare liveness: number | null;
  declare valence: number | null;
  declare tempo: number | null;
  declare duration_ms: number | null;
  declare time_signature: number | null;

  @ApiProperty({ enum: ['audio_features'], example: 'audio_features' })
  type!: 'audio_features';
  @ApiProperty({ example: EXAMPLE_TRACK_ID })
  id!: string;
  @ApiProperty({ example: `spotify:track:${EXAMPLE_TRACK_ID}` })
  uri!: string;
  @ApiProperty({ example: `https://api.spotify.com/v1/tracks/${EXAMPLE_TRACK_ID}` })
  track_href!: string;
  @ApiProperty({ example: `https://api.spotify.com/v1/audio-analysis/${EXAMPLE_TRACK_ID}` })
  analysis_url!: string;
}

// One property per feature, documented from its rule: no list of the features repeated here.
for (const feature of AUDIO_FEATURES) {
  const rule = AUDIO_FEATURE_RULES[feature];
  ApiProperty({
    type: rule.integer ? 'integer' : 'number',
    nullable: true,
    description: rule.description,
    example: EXAMPLE_FEATURES[feature],
  })(AudioFeaturesObjectDto.prototype, feature);
}

export class AudioFeaturesListResponseDto {
  @ApiProperty({
    type: AudioFeaturesObjectDto,
    isArray: true,
    nullable: true,
    description: 'One entry per id asked for, in order: null where the catalog lacks the track.',
  })
  audio_features!: (AudioFeaturesObjectDto | null)[];
}
