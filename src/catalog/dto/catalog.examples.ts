/**
 * The example track of the API's documentation: the TidyTuesday sample's first, which a starter
 * catalog holds, so Swagger's "Try it out" finds it in a service that imported the sample.
 */
export const EXAMPLE_TRACK_ID = '6f807x0ima9a1j3VPbc7VN';

/** Its features, as the catalog holds them (TidyTuesday has no time signature). */
export const EXAMPLE_FEATURES = {
  danceability: 0.748,
  energy: 0.916,
  key: 6,
  loudness: -2.634,
  mode: 1,
  speechiness: 0.0583,
  acousticness: 0.102,
  instrumentalness: 0,
  liveness: 0.0653,
  valence: 0.518,
  tempo: 122.036,
  duration_ms: 194754,
  time_signature: null,
} as const;
