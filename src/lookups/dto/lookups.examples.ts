/**
 * Examples from the TidyTuesday sample, which a starter catalog holds: Swagger's "Try it out" runs
 * them against a service that imported it.
 */
export const EXAMPLE_TRACK_ID = '6f807x0ima9a1j3VPbc7VN';
export const EXAMPLE_TRACK_IDS = `${EXAMPLE_TRACK_ID},0r7CVbZTWZgbTCYdfa2P31,spotify:track:1z1Hg7Vb0AhHDiEmnDE79l`;
/** TidyTuesday credits artists by name only; an artist id works where the catalog has them. */
export const EXAMPLE_ARTIST = 'Ed Sheeran';

/** The first sample track's features, as the catalog holds them (TidyTuesday has no time signature). */
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
