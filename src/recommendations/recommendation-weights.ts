import type { IndexColumn } from '../catalog-index/catalog-index';

/**
 * The scoring's weights. A track's score is
 *   − nearest × (weighted mean squared standardised difference to the nearest seed)
 *   − targets × (mean squared standardised difference to the targets)
 *   + sameArtist × [shares an artist with a seed] + sameAlbum × [same album as a seed track]
 *   + genre × (share of the seeds' genre weight the track carries) + mood × P(mood)
 *   + popularity × popularity/100
 *   − negativeSeed × max(0, 1 − d/negativeSeedRadius),
 * where d is the closeness distance (the square root of the closeness cost above) to the nearest
 * negative seed: a track on a negative seed loses negativeSeed, one negativeSeedRadius away or
 * farther loses nothing. Then the answer is reranked for variety: each pick pays diversity × its
 * highest similarity to the tracks already picked.
 */
export interface RecommendationWeights {
  /** Relative weight of each column in closeness to a seed (0: ignored). */
  features: Record<IndexColumn, number>;
  nearest: number;
  targets: number;
  sameArtist: number;
  sameAlbum: number;
  genre: number;
  /** Exponent of the genres' inverse document frequency in their weight (0: every genre alike). */
  genreRarity: number;
  mood: number;
  popularity: number;
  /**
   * The popularity bonus when no seed is a track or an artist (genres only): then nothing but the
   * targets says which of a genre's tracks fit, and popular ones are the better guess, as with
   * Spotify's genre seeds.
   */
  popularityWithoutSeedTracks: number;
  /** The most a track loses for being near a negative seed (on it: all of it). */
  negativeSeed: number;
  /**
   * How far a negative seed reaches: in closeness distance, the root of the weighted mean squared
   * standardised difference (two random tracks are about √2 apart, a track lacking every value is
   * √2 from any point on average).
   */
  negativeSeedRadius: number;
  diversity: number;
  /** Candidate pool for the rerank: limit × poolFactor of the best-scoring tracks. */
  poolFactor: number;
  /** An artist seed stands for its most popular tracks, this many of them. */
  artistSeedTracks: number;
}

/**
 * The weights the service uses: chosen on the tuning half of the playlist-continuation evaluation
 * (`npm run eval:recommendations`; README, "Recommendations").
 */
export const DEFAULT_WEIGHTS: Readonly<RecommendationWeights> = {
  features: {
    danceability: 1,
    energy: 2,
    key: 0,
    loudness: 1,
    mode: 0,
    speechiness: 1,
    acousticness: 0,
    instrumentalness: 1,
    liveness: 0.5,
    valence: 1,
    tempo: 1,
    duration_ms: 1,
    // Absent from the tuning sample, so not learnt: left out, as key and mode were chosen to be.
    time_signature: 0,
    popularity: 1,
  },
  nearest: 1,
  // Not learnt from playlists (the evaluation has no targets and no moods): a target pulls as hard
  // as closeness to the seeds, and a sure mood counts half as much as a shared artist.
  targets: 1,
  sameArtist: 1,
  sameAlbum: 1,
  genre: 4,
  genreRarity: 0,
  mood: 0.5,
  popularity: 0,
  popularityWithoutSeedTracks: 1,
  // Not learnt either (the evaluation has no skips): a track on a negative seed loses as much as a
  // shared artist brings; the penalty fades out within one standard deviation (as an RMS over the
  // weighted features), closer than most tracks are to each other.
  negativeSeed: 1,
  negativeSeedRadius: 1,
  diversity: 0.2,
  poolFactor: 4,
  artistSeedTracks: 3,
};
