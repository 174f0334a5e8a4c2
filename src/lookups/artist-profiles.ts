import { COLUMN_COUNT, type CatalogIndex, INDEX_COLUMNS } from '../catalog-index/catalog-index';
import type { AudioFeature } from '../common/tracks/audio-features';

/**
 * What an artist sounds like: the perceptual features of their tracks. Key, mode and time signature
 * vary from song to song of one artist; duration and liveness describe a recording more than a
 * style; popularity is not sound.
 */
export const SOUND_FEATURES = [
  'danceability',
  'energy',
  'loudness',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'valence',
  'tempo',
] as const satisfies readonly AudioFeature[];

const SOUND_COLUMNS = SOUND_FEATURES.map((feature) => INDEX_COLUMNS.indexOf(feature));
const F = SOUND_FEATURES.length;

/** An artist (or several credited under one name) as related-artists compares them. */
export interface QueryProfile {
  /** Mean standardised sound, NaN where none of the tracks has the feature. */
  sound: Float64Array;
  /** Genre id → weight, of unit length (see ArtistProfiles). */
  genres: Map<number, number>;
}

/**
 * Every artist of a catalog index summarised from their live tracks, for related-artists:
 * - `sound`: the mean of their tracks' SOUND_FEATURES, each standardised by the index's mean and
 *   standard deviation (NaN where no track has the feature);
 * - genres: the union of their tracks' genres, each weighted by the share of the artist's tracks
 *   carrying it times its rarity among artists, ln(1 + artists / artists carrying it), then scaled
 *   to unit length, so that the dot product of two artists' genres is their cosine similarity and
 *   sharing a rare genre says more than sharing "pop";
 * - the same weights by genre (which artists carry it), so that one artist's genre similarity to
 *   every other costs only the artists sharing a genre with it.
 * Built in two passes over the tracks, in typed arrays (compressed rows per artist and per genre).
 */
export class ArtistProfiles {
  /** Live tracks per artist id (0: the artist has none left). */
  readonly tracks: Int32Array;
  /** artist × SOUND_FEATURES. */
  readonly sound: Float32Array;
  /** Artist a's genres are genreIds[genreStart[a] … genreStart[a + 1]). */
  readonly genreStart: Int32Array;
  readonly genreIds: Int32Array;
  /** How many of the artist's tracks carry each of those genres. */
  readonly genreTracks: Int32Array;
  readonly genreWeights: Float32Array;
  /** ln(1 + artists / artists carrying the genre), per genre id. */
  readonly rarity: Float64Array;
  /** Genre g's artists are carrierIds[carrierStart[g] … carrierStart[g + 1]), with their weights. */
  readonly carrierStart: Int32Array;
  readonly carrierIds: Int32Array;
  readonly carrierWeights: Float32Array;

  constructor(index: CatalogIndex) {
    const artists = index.artistDictionarySize;
    const genres = index.genreDictionarySize;
    const columns = index.columns();
    const { slotCount, live, values, artistStart, artistCount, artistPool } = columns;
    const { genreStart, genreCount, genrePool } = columns;
    const scale = SOUND_COLUMNS.map((c) => 1 / index.sd[c]);
    const offset = SOUND_COLUMNS.map((c) => index.mean[c]);

    // Pass 1: tracks, sound sums and the number of (artist, genre) credits per artist.
    this.tracks = new Int32Array(artists);
    const sums = new Float64Array(artists * F);
    const counts = new Int32Array(artists * F);
    const credits = new Int32Array(artists + 1);
    for (let slot = 0; slot < slotCount; slot++) {
      if (!live[slot]) continue;
      const base = slot * COLUMN_COUNT;
      for (let i = artistStart[slot], end = i + artistCount[slot]; i < end; i++) {
        const artist = artistPool[i];
        this.tracks[artist]++;
        credits[artist + 1] += genreCount[slot];
        for (let f = 0; f < F; f++) {
          const value = values[base + SOUND_COLUMNS[f]];
          if (value !== value) continue;
          sums[artist * F + f] += (value - offset[f]) * scale[f];
          counts[artist * F + f]++;
        }
      }
    }
    this.sound = new Float32Array(artists * F);
    for (let i = 0; i < artists * F; i++) this.sound[i] = counts[i] > 0 ? sums[i] / counts[i] : NaN;

    // Pass 2: every artist's genre credits, then sorted and counted per artist.
    for (let a = 0; a < artists; a++) credits[a + 1] += credits[a];
    const pool = new Int32Array(credits[artists]);
    const cursor = credits.slice(0, artists);
    for (let slot = 0; slot < slotCount; slot++) {
      if (!live[slot] || genreCount[slot] === 0) continue;
      const first = genreStart[slot];
      const last = first + genreCount[slot];
      for (let i = artistStart[slot], end = i + artistCount[slot]; i < end; i++) {
        const artist = artistPool[i];
        for (let g = first; g < last; g++) pool[cursor[artist]++] = genrePool[g];
      }
    }
    this.genreStart = new Int32Array(artists + 1);
    let distinct = 0;
    for (let a = 0; a < artists; a++) {
      const own = pool.subarray(credits[a], credits[a + 1]).sort();
      for (let i = 0; i < own.length; i++) if (i === 0 || own[i] !== own[i - 1]) distinct++;
      this.genreStart[a + 1] = distinct;
    }
    this.genreIds = new Int32Array(distinct);
    this.genreTracks = new Int32Array(distinct);
    const carriers = new Int32Array(genres + 1);
    for (let a = 0, k = -1; a < artists; a++) {
      for (let i = credits[a]; i < credits[a + 1]; i++) {
        if (i === credits[a] || pool[i] !== pool[i - 1]) {
          this.genreIds[++k] = pool[i];
          carriers[pool[i] + 1]++;
        }
        this.genreTracks[k]++;
      }
    }

    let liveArtists = 0;
    for (let a = 0; a < artists; a++) if (this.tracks[a] > 0) liveArtists++;
    this.rarity = new Float64Array(genres);
    for (let g = 0; g < genres; g++) {
      this.rarity[g] = carriers[g + 1] > 0 ? Math.log(1 + liveArtists / carriers[g + 1]) : 0;
    }
    this.genreWeights = new Float32Array(distinct);
    for (let a = 0; a < artists; a++) {
      const from = this.genreStart[a];
      const to = this.genreStart[a + 1];
      let norm = 0;
      for (let i = from; i < to; i++) {
        const weight = (this.genreTracks[i] / this.tracks[a]) * this.rarity[this.genreIds[i]];
        this.genreWeights[i] = weight;
        norm += weight * weight;
      }
      norm = Math.sqrt(norm);
      for (let i = from; i < to; i++)
        this.genreWeights[i] = norm > 0 ? this.genreWeights[i] / norm : 0;
    }

    // The same weights by genre.
    for (let g = 0; g < genres; g++) carriers[g + 1] += carriers[g];
    this.carrierStart = carriers;
    this.carrierIds = new Int32Array(distinct);
    this.carrierWeights = new Float32Array(distinct);
    const fill = carriers.slice(0, genres);
    for (let a = 0; a < artists; a++) {
      for (let i = this.genreStart[a]; i < this.genreStart[a + 1]; i++) {
        const at = fill[this.genreIds[i]]++;
        this.carrierIds[at] = a;
        this.carrierWeights[at] = this.genreWeights[i];
      }
    }
  }

  get artistCount(): number {
    return this.tracks.length;
  }

  /**
   * The profile of a group of artists taken as one (the artists a name stands for): their tracks'
   * sound and genres pooled, weighted as a single artist's would be.
   */
  profileOf(group: readonly number[]): QueryProfile {
    const sound = new Float64Array(F);
    const weightOf = new Float64Array(F);
    const genreTracks = new Map<number, number>();
    let tracks = 0;
    for (const artist of group) {
      const n = this.tracks[artist];
      tracks += n;
      for (let f = 0; f < F; f++) {
        const value = this.sound[artist * F + f];
        if (value !== value) continue;
        sound[f] += value * n;
        weightOf[f] += n;
      }
      for (let i = this.genreStart[artist]; i < this.genreStart[artist + 1]; i++) {
        const genre = this.genreIds[i];
        genreTracks.set(genre, (genreTracks.get(genre) ?? 0) + this.genreTracks[i]);
      }
    }
    for (let f = 0; f < F; f++) sound[f] = weightOf[f] > 0 ? sound[f] / weightOf[f] : NaN;
    const genres = new Map<number, number>();
    let norm = 0;
    for (const [genre, n] of genreTracks) {
      const weight = (n / tracks) * this.rarity[genre];
      genres.set(genre, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    for (const [genre, weight] of genres) genres.set(genre, norm > 0 ? weight / norm : 0);
    return { sound, genres };
  }

  /** The artist's genres, those most of their tracks carry first (then by name). */
  genresOf(index: CatalogIndex, artist: number): string[] {
    const order: number[] = [];
    for (let i = this.genreStart[artist]; i < this.genreStart[artist + 1]; i++) order.push(i);
    return order
      .map((i) => ({ name: index.genreName(this.genreIds[i]), tracks: this.genreTracks[i] }))
      .sort((a, b) => b.tracks - a.tracks || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((genre) => genre.name);
  }

  /** Similarity of the sound of `artist` to `sound`: exp(−mean squared standardised difference). */
  soundSimilarity(sound: Float64Array, artist: number): number {
    let squares = 0;
    let n = 0;
    for (let f = 0; f < F; f++) {
      const a = sound[f];
      const b = this.sound[artist * F + f];
      if (a !== a || b !== b) continue;
      squares += (a - b) * (a - b);
      n++;
    }
    return n > 0 ? Math.exp(-squares / n) : 0;
  }
}
