/**
 * The ranker's features of one candidate track for one query (seed tracks, and optionally negative
 * seeds: tracks the listener skipped). Each is larger when the candidate fits the seeds better, and
 * takes its "no evidence" value where the catalog does not know. Everything comes from the seeds and
 * the catalog's signals as the query sees them (SignalView: the query's own playlist hidden).
 *
 * Audio features
 *   closeness             −(closeness cost to the nearest seed): the engine's closeness (the first
 *                         stage's; within its pool it adds nothing the others do not)
 *   style_fit             −Σ weight × (z − seeds' mean z)² / (seeds' variance + STYLE_PRIOR): the
 *                         seeds' common style, strict in the columns where they agree
 * Artist and album
 *   same_artist           1 when a seed has the candidate's artist
 *   artist_seeds          the share of the seeds by the candidate's artist
 *   artist_closeness      −(closeness cost between its artist's mean values and the nearest seed
 *                         artist's): the artist's sound
 *   artist_popularity_gap −|its artist's mean popularity − the nearest seed artist's| / 100
 *   artist_words          cosine between the words of its artist's track names and those of the
 *                         seeds' artists (each artist's words summed): language and style of titles
 *   same_album            1 when a seed is on the candidate's album
 * Release year (era)
 *   year_closeness        exp(−|years to the nearest seed's release| / YEAR_SCALE)
 *   year_typical          −|year − the seeds' median| / (their mean deviation + 2), capped at 5
 * Popularity
 *   popularity_gap        −|popularity − the nearest seed's in popularity| / 100
 *   popularity            popularity / 100
 * Track names
 *   name_words            cosine (tf-idf over the catalog's names) between its name and the seeds'
 *                         names taken together: versions (remix, live), featured artists, language
 *   same_name             1 when its name without version suffixes is a seed's: another version of a
 *                         seed, which a playlist rarely holds twice
 * Imported playlists (PLAYLIST_DERIVED: 0 for a track or artist in no imported playlist)
 *   artist_genres         cosine between its artist's genre counts and the seeds' (each seed
 *                         artist's counts made unit length, then summed)
 *   track_genres          cosine between its own genres and that seed profile
 *   artist_cooccurrence   per seed, the cosine between the seed's artist and its artist over
 *                         imported playlists (how often they share one), averaged over seeds; 0 for
 *                         the seed's own artist (same_artist says that)
 *   co_membership         per seed, the imported playlists holding both, averaged over seeds
 * Negative seeds
 *   negative_closeness    exp(−closeness cost to the nearest negative seed)
 *   negative_artist       the share of the negative seeds by its artist
 * Indicators (not learnt)
 *   track_in_playlists    1 when the track is in an imported playlist the query sees
 *   artist_in_playlists   1 when a track of its artist is
 */
import { CLOSENESS_COLUMNS, type ClosenessColumn, type SignalView } from './catalog-signals';
import { Closeness } from './closeness';

const C = CLOSENESS_COLUMNS.length;
const POPULARITY = C - 1;
export const YEAR_SCALE = 3;
/** Variance (standardised) added to the seeds' own in style_fit: five seeds that happen to agree do not decide alone. */
export const STYLE_PRIOR = 0.25;
/** Typicality is capped at this many spreads, so that one outlier cannot dominate a linear model. */
const TYPICAL_CAP = 5;

export const FEATURES = [
  'closeness',
  'style_fit',
  'same_artist',
  'artist_seeds',
  'artist_closeness',
  'artist_popularity_gap',
  'artist_words',
  'same_album',
  'year_closeness',
  'year_typical',
  'popularity_gap',
  'popularity',
  'name_words',
  'same_name',
  'artist_genres',
  'track_genres',
  'artist_cooccurrence',
  'co_membership',
  'negative_closeness',
  'negative_artist',
  'track_in_playlists',
  'artist_in_playlists',
] as const;
export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_COUNT = FEATURES.length;

/** What a catalog may know, each with the features that carry it (the ablation removes one at a time). */
export const SIGNALS: Readonly<Record<string, readonly FeatureName[]>> = {
  'audio features': ['closeness', 'style_fit'],
  'same artist': ['same_artist', 'artist_seeds'],
  'artist profile (sound, popularity, title words)': [
    'artist_closeness',
    'artist_popularity_gap',
    'artist_words',
  ],
  'same album': ['same_album'],
  'release year': ['year_closeness', 'year_typical'],
  popularity: ['popularity_gap', 'popularity'],
  'track names': ['name_words', 'same_name'],
  'artist genres': ['artist_genres'],
  'track genres': ['track_genres'],
  'artist co-occurrence in playlists': ['artist_cooccurrence'],
  'playlist co-membership': ['co_membership'],
  'negative seeds': ['negative_closeness', 'negative_artist'],
};

/**
 * Features that only tracks (or artists) of imported playlists can have, each with the indicator
 * that says whether the candidate can have it. The pool centres them (see centreKnown in
 * two-stage.ts), and fit-ranker.ts keeps them from counting against a track.
 */
export const PLAYLIST_DERIVED: readonly { feature: FeatureName; known: FeatureName }[] = [
  { feature: 'artist_genres', known: 'artist_in_playlists' },
  { feature: 'track_genres', known: 'track_in_playlists' },
  { feature: 'artist_cooccurrence', known: 'artist_in_playlists' },
  { feature: 'co_membership', known: 'track_in_playlists' },
];

/** Indicators the pool centres with; never weights of the model. */
export const INDICATORS: readonly FeatureName[] = ['track_in_playlists', 'artist_in_playlists'];

export interface Query {
  seeds: number[];
  /** Tracks the listener skipped. */
  negatives?: number[];
}

/** One query's features: what depends on the seeds only is computed once, then per candidate. */
export class QueryFeatures {
  private readonly closeness: Closeness;
  private readonly seedValues: Float64Array;
  private readonly negativeValues: Float64Array;
  private readonly seedArtists = new Map<number, number>();
  private readonly negativeArtists = new Map<number, number>();
  private readonly seedAlbums = new Set<number>();
  private readonly seedBaseNames = new Set<string>();
  private readonly seedYears: number[];
  private readonly seedPopularity: number[];
  private readonly yearTypical: Typical;
  private readonly styleMean = new Float64Array(C);
  private readonly styleScale = new Float64Array(C);
  private readonly seedArtistMeans: Float64Array;
  private readonly seedArtistPopularity: number[];
  private readonly seedWords = new Map<number, number>();
  private readonly seedArtistWords = new Map<number, number>();
  private readonly genreProfile: Float64Array;
  private readonly cooccurrence: Map<number, number>;
  private readonly coMembership = new Map<number, number>();
  private readonly perArtist = new Map<number, ArtistFit>();

  constructor(
    readonly view: SignalView,
    readonly query: Query,
    closenessWeights: Partial<Record<ClosenessColumn, number>>,
  ) {
    const signals = view.signals;
    const seeds = query.seeds;
    this.closeness = new Closeness(signals, closenessWeights);
    this.seedValues = rowsOf(signals.values, seeds);
    this.negativeValues = rowsOf(signals.values, query.negatives ?? []);
    for (const seed of seeds) {
      increment(this.seedArtists, signals.artistOf[seed], 1);
      this.seedAlbums.add(signals.albumOf[seed]);
      this.seedBaseNames.add(signals.baseName[seed]);
      const weights = signals.nameWeights[seed];
      signals.nameWords[seed].forEach((word, i) => increment(this.seedWords, word, weights[i]));
    }
    for (const negative of query.negatives ?? [])
      increment(this.negativeArtists, signals.artistOf[negative], 1 / query.negatives!.length);
    const wordNorm = Math.hypot(...this.seedWords.values()) || 1;
    for (const [word, weight] of this.seedWords) this.seedWords.set(word, weight / wordNorm);
    this.seedYears = known(seeds.map((s) => signals.year[s]));
    this.seedPopularity = known(seeds.map((s) => signals.values[s * C + POPULARITY]));
    this.yearTypical = typical(this.seedYears, 2);
    for (let c = 0; c < C; c++) {
      const z = known(
        seeds.map((s) => (signals.values[s * C + c] - signals.mean[c]) / signals.sd[c]),
      );
      if (z.length === 0 || this.closeness.weight[c] === 0) continue;
      const mean = z.reduce((sum, v) => sum + v, 0) / z.length;
      const variance = z.reduce((sum, v) => sum + (v - mean) ** 2, 0) / z.length;
      this.styleMean[c] = mean;
      this.styleScale[c] = this.closeness.weight[c] / (variance + STYLE_PRIOR);
    }
    const seedArtists = [...this.seedArtists.keys()];
    this.seedArtistMeans = rowsOf(signals.artistMean, seedArtists);
    this.seedArtistPopularity = known(
      seedArtists.map((artist) => signals.artistMean[artist * C + POPULARITY]),
    );
    for (const artist of seedArtists)
      for (const [word, weight] of signals.artistWords[artist])
        increment(this.seedArtistWords, word, weight);
    const artistWordNorm = Math.hypot(...this.seedArtistWords.values()) || 1;
    for (const [word, weight] of this.seedArtistWords)
      this.seedArtistWords.set(word, weight / artistWordNorm);
    this.genreProfile = new Float64Array(signals.labelCount);
    for (const seed of seeds) addUnit(this.genreProfile, view.artistLabels(signals.artistOf[seed]));
    normalise(this.genreProfile);
    this.cooccurrence = artistCooccurrence(view, seeds);
    for (const seed of seeds)
      for (const playlist of view.trackPlaylists(seed))
        for (const slot of signals.playlistTracks[playlist])
          increment(this.coMembership, slot, 1 / seeds.length);
  }

  /** Writes the candidate's features into `out` at `offset`, in FEATURES order. */
  fill(slot: number, out: Float64Array, offset = 0): void {
    const signals = this.view.signals;
    const values = signals.values;
    const seedCount = this.query.seeds.length;
    let nearest = Infinity;
    for (let s = 0; s < seedCount; s++)
      nearest = Math.min(nearest, this.closeness.cost(values, slot, this.seedValues, s));
    let style = 0;
    for (let c = 0; c < C; c++) {
      if (this.styleScale[c] === 0) continue;
      const z = (values[slot * C + c] - signals.mean[c]) / signals.sd[c];
      style += this.styleScale[c] * (z === z ? (z - this.styleMean[c]) ** 2 : 1);
    }
    const artist = signals.artistOf[slot];
    const ofArtist = this.ofArtist(artist);
    const artistSeeds = this.seedArtists.get(artist) ?? 0;
    const artistPopularity = signals.artistMean[artist * C + POPULARITY];
    const year = signals.year[slot];
    const yearGap = year === year ? leastGap(year, this.seedYears) : Infinity;
    const popularity = values[slot * C + POPULARITY];
    const words = signals.nameWords[slot];
    const wordWeights = signals.nameWeights[slot];
    let nameCosine = 0;
    for (let i = 0; i < words.length; i++)
      nameCosine += (this.seedWords.get(words[i]) ?? 0) * wordWeights[i];
    let negative = 0;
    for (let n = 0; n < this.negativeValues.length / C; n++)
      negative = Math.max(
        negative,
        Math.exp(-this.closeness.cost(values, slot, this.negativeValues, n)),
      );

    const features: Record<FeatureName, number> = {
      closeness: -nearest,
      style_fit: -style,
      same_artist: artistSeeds > 0 ? 1 : 0,
      artist_seeds: artistSeeds / seedCount,
      artist_closeness: ofArtist.closeness,
      artist_popularity_gap: -leastGap(artistPopularity, this.seedArtistPopularity, 100) / 100,
      artist_words: ofArtist.words,
      same_album: this.seedAlbums.has(signals.albumOf[slot]) ? 1 : 0,
      year_closeness: yearGap < Infinity ? Math.exp(-yearGap / YEAR_SCALE) : 0,
      year_typical: typicality(year, this.yearTypical),
      popularity_gap: -leastGap(popularity, this.seedPopularity, 100) / 100,
      popularity: popularity === popularity ? popularity / 100 : 0,
      name_words: nameCosine,
      same_name: this.seedBaseNames.has(signals.baseName[slot]) ? 1 : 0,
      artist_genres: ofArtist.genres,
      track_genres: cosineOfSet(this.view.trackLabels(slot), this.genreProfile),
      artist_cooccurrence: this.cooccurrence.get(artist) ?? 0,
      co_membership: this.coMembership.get(slot) ?? 0,
      negative_closeness: negative,
      negative_artist: this.negativeArtists.get(artist) ?? 0,
      track_in_playlists: this.view.trackPlaylists(slot).length > 0 ? 1 : 0,
      artist_in_playlists: this.view.artistPlaylists(artist).length > 0 ? 1 : 0,
    };
    for (let f = 0; f < FEATURE_COUNT; f++) out[offset + f] = features[FEATURES[f]];
  }

  private ofArtist(artist: number): ArtistFit {
    let known = this.perArtist.get(artist);
    if (!known) {
      const signals = this.view.signals;
      let least = Infinity;
      for (let i = 0; i < this.seedArtistMeans.length / C; i++)
        least = Math.min(
          least,
          this.closeness.cost(signals.artistMean, artist, this.seedArtistMeans, i),
        );
      let words = 0;
      for (const [word, weight] of signals.artistWords[artist])
        words += weight * (this.seedArtistWords.get(word) ?? 0);
      known = {
        closeness: -least,
        genres: cosineOfCounts(this.view.artistLabels(artist), this.genreProfile),
        words,
      };
      this.perArtist.set(artist, known);
    }
    return known;
  }
}

/**
 * Per artist reached, the mean over the seeds of the cosine between the seed's artist and that
 * artist over the imported playlists the query sees (co-occurrence count / √(playlists of each)).
 */
export function artistCooccurrence(
  view: SignalView,
  seeds: readonly number[],
): Map<number, number> {
  const signals = view.signals;
  const scores = new Map<number, number>();
  for (const seed of seeds) {
    const seedArtist = signals.artistOf[seed];
    const playlists = view.artistPlaylists(seedArtist);
    const shared = new Map<number, number>();
    for (const playlist of playlists)
      for (const artist of signals.playlistArtists[playlist]) increment(shared, artist, 1);
    for (const [artist, count] of shared) {
      if (artist === seedArtist) continue;
      const cosine = count / Math.sqrt(playlists.length * view.artistPlaylists(artist).length);
      increment(scores, artist, cosine / seeds.length);
    }
  }
  return scores;
}

interface ArtistFit {
  closeness: number;
  genres: number;
  words: number;
}

interface Typical {
  median: number;
  spread: number;
}

/** The values' median and mean absolute deviation from it, plus `floor` (NaN median for none). */
function typical(values: number[], floor: number): Typical {
  if (values.length === 0) return { median: NaN, spread: floor };
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const spread = sorted.reduce((sum, v) => sum + Math.abs(v - median), 0) / sorted.length;
  return { median, spread: spread + floor };
}

/** −(distance from the median in spreads), capped; the cap where either is unknown. */
function typicality(value: number, { median, spread }: Typical): number {
  if (value !== value || median !== median) return -TYPICAL_CAP;
  return -Math.min(TYPICAL_CAP, Math.abs(value - median) / spread);
}

/** The least |value − reference|; `unknown` where the value is NaN or there is no reference. */
function leastGap(value: number, references: readonly number[], unknown = Infinity): number {
  if (value !== value || references.length === 0) return unknown;
  let least = Infinity;
  for (const reference of references) least = Math.min(least, Math.abs(value - reference));
  return least;
}

function rowsOf(values: Float64Array, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * C);
  rows.forEach((row, i) => out.set(values.subarray(row * C, (row + 1) * C), i * C));
  return out;
}

function known(values: number[]): number[] {
  return values.filter((value) => value === value);
}

function increment<K>(map: Map<K, number>, key: K, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function addUnit(target: Float64Array, counts: Float64Array): void {
  const norm = Math.hypot(...counts);
  if (norm > 0) for (let i = 0; i < counts.length; i++) target[i] += counts[i] / norm;
}

function normalise(vector: Float64Array): void {
  const norm = Math.hypot(...vector);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] /= norm;
}

/** Cosine of a count vector with a unit vector (0 for no counts). */
function cosineOfCounts(counts: Float64Array, unit: Float64Array): number {
  let dot = 0;
  let squares = 0;
  for (let i = 0; i < counts.length; i++) {
    dot += counts[i] * unit[i];
    squares += counts[i] * counts[i];
  }
  return squares > 0 ? dot / Math.sqrt(squares) : 0;
}

/** Cosine of a set's indicator vector with a unit vector (0 for the empty set). */
function cosineOfSet(labels: Int32Array, unit: Float64Array): number {
  if (labels.length === 0) return 0;
  let dot = 0;
  for (const label of labels) dot += unit[label];
  return dot / Math.sqrt(labels.length);
}
