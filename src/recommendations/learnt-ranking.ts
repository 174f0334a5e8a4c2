import { type CatalogIndex, COLUMN_COUNT, POPULARITY_COLUMN } from '../catalog-index/catalog-index';
import type { QueryPlan } from './query-plan';
import type { RecommendationWeights } from './recommendation-weights';

/**
 * The ranking's second stage: the exact candidate pool (the tree search's best tracks) scored again
 * by a linear model learnt from playlists, with features the in-memory index holds for any catalog.
 * Each feature is larger when the candidate fits the seed tracks better:
 *
 *   style_fit              −Σ w·(z − seeds' mean z)² / (seeds' variance + STYLE_PRIOR): the seeds'
 *                          common sound, strict in the columns where they agree (closeness columns
 *                          and weights; z standardised by the catalog)
 *   same_artist            1 when the track shares an artist with a seed
 *   artist_seeds           the share of the seed tracks by its (first-credited) artist
 *   artist_closeness       −closeness cost between its artist's mean values and the nearest seed artist's
 *   artist_popularity_gap  −|its artist's mean popularity − the nearest seed artist's| / 100
 *   same_album             1 when a seed track is on its album
 *   year_closeness         exp(−years to the nearest seed's release / YEAR_SCALE)
 *   year_typical           −|year − the seeds' median| / (their mean deviation + 2), at most TYPICAL_CAP
 *   popularity_gap         −|popularity − the nearest seed's| / 100
 *   popularity             popularity / 100
 *   same_name              1 when its name without version suffixes is a seed's (another version)
 *   artist_genres          cosine of its artist's genre counts with the seed artists' (each unit length)
 *
 * What the model does not know it keeps from the first stage, unchanged: the mood bonus, the
 * targets' cost and the negative-seed penalty. A score is a sum of parts (weight × feature, then
 * those terms), so an explanation can list them and they add up to it.
 */
export const RANKING_FEATURES = [
  'style_fit',
  'same_artist',
  'artist_seeds',
  'artist_closeness',
  'artist_popularity_gap',
  'same_album',
  'year_closeness',
  'year_typical',
  'popularity_gap',
  'popularity',
  'same_name',
  'artist_genres',
] as const;
export type RankingFeature = (typeof RANKING_FEATURES)[number];
export const RANKING_FEATURE_COUNT = RANKING_FEATURES.length;

/** The second stage's parameters (learnt-ranking-weights.ts holds the service's). */
export interface LearntRanking {
  /** Score = Σ weight × feature (+ the first stage's mood, target and negative-seed terms). */
  weights: Readonly<Record<RankingFeature, number>>;
  /** The pool the second stage reranks: limit × poolFactor of the first stage's best tracks. */
  poolFactor: number;
  /** The first stage's weights that differ where a second stage follows. */
  poolWeights: Partial<RecommendationWeights>;
  /** Variety in the final pick (as RecommendationWeights.diversity, on this score's scale). */
  diversity: number;
}

export const YEAR_SCALE = 3;
/** Variance (standardised) added to the seeds' own in style_fit: a few seeds that agree do not decide alone. */
export const STYLE_PRIOR = 0.25;
const TYPICAL_CAP = 5;
const YEAR_SPREAD_FLOOR = 2;
const NO_GENRES: ReadonlyMap<number, number> = new Map();

export interface RankingPart {
  factor: RankingFeature | 'mood' | 'targets' | 'negative_seed';
  value: number;
}

interface ArtistProfile {
  /** Mean raw value per closeness column (NaN where none of its tracks has one). */
  mean: Float64Array;
  /** Genre id → how many of its tracks carry it (undefined where not asked for). */
  genres?: Map<number, number>;
}

/** One request's second stage: what depends on the seeds only is computed once, then per candidate. */
export class StageTwoScorer {
  private readonly index: CatalogIndex;
  private readonly values: Float32Array;
  private readonly weightVector: Float64Array;
  private readonly seedSlots: number[];
  private readonly styleMean: Float64Array;
  private readonly styleScale: Float64Array;
  private readonly seedFirstArtists = new Map<number, number>();
  private readonly seedBaseNames = new Set<string>();
  private readonly seedYears: number[];
  private readonly yearMedian: number;
  private readonly yearSpread: number;
  private readonly seedPopularity: number[];
  private readonly seedArtistMeans: Float64Array[];
  private readonly seedArtistPopularity: number[];
  private readonly genreProfile = new Map<number, number>();
  private readonly profiles = new Map<number, ArtistProfile>();
  private readonly artistFits = new Map<number, [number, number, number]>();

  private readonly row = new Float64Array(RANKING_FEATURE_COUNT);
  /** Whether a feature is computed: all for learning, else only those with a weight. */
  private readonly needed: Record<'genres' | 'names', boolean>;

  /**
   * `everyFeature`: compute every feature, also those weighted 0 (for learning the weights); by
   * default a feature the ranking does not weigh reads 0, which costs nothing to compute.
   */
  constructor(
    readonly plan: QueryPlan,
    seedSlots: readonly number[],
    readonly ranking: LearntRanking,
    everyFeature = false,
  ) {
    this.index = plan.index;
    this.values = plan.terms.values;
    this.weightVector = Float64Array.from(RANKING_FEATURES, (name) => ranking.weights[name]);
    this.needed = {
      genres: everyFeature || ranking.weights.artist_genres !== 0,
      names: everyFeature || ranking.weights.same_name !== 0,
    };
    this.seedSlots = [...new Set(seedSlots)];
    const terms = plan.terms;
    const K = terms.columns.length;
    this.styleMean = new Float64Array(K);
    this.styleScale = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const z = known(this.seedSlots.map((slot) => this.z(slot, k)));
      if (z.length === 0) continue;
      const mean = z.reduce((sum, v) => sum + v, 0) / z.length;
      const variance = z.reduce((sum, v) => sum + (v - mean) ** 2, 0) / z.length;
      this.styleMean[k] = mean;
      this.styleScale[k] = terms.columnWeight[k] / (variance + STYLE_PRIOR);
    }
    for (const slot of this.seedSlots) {
      const artist = plan.firstArtist(slot);
      this.seedFirstArtists.set(artist, (this.seedFirstArtists.get(artist) ?? 0) + 1);
      const name = this.needed.names ? baseName(this.index.nameOf(slot)) : '';
      if (name !== '') this.seedBaseNames.add(name);
    }
    this.seedYears = known(this.seedSlots.map((slot) => this.index.yearOf(slot) ?? NaN));
    const sortedYears = [...this.seedYears].sort((a, b) => a - b);
    this.yearMedian = sortedYears.length > 0 ? sortedYears[sortedYears.length >> 1] : NaN;
    this.yearSpread =
      sortedYears.reduce((sum, year) => sum + Math.abs(year - this.yearMedian), 0) /
        Math.max(1, sortedYears.length) +
      YEAR_SPREAD_FLOOR;
    this.seedPopularity = known(this.seedSlots.map((slot) => this.popularityOf(slot)));
    const seedArtists = [...this.seedFirstArtists.keys()].filter((artist) => artist >= 0);
    this.seedArtistMeans = seedArtists.map((artist) => this.profile(artist).mean);
    this.seedArtistPopularity = known(this.seedArtistMeans.map((mean) => mean[POPULARITY_COLUMN]));
    for (const artist of seedArtists) {
      const genres = this.profile(artist).genres ?? NO_GENRES;
      const norm = Math.hypot(...genres.values());
      for (const [genre, count] of genres)
        this.genreProfile.set(genre, (this.genreProfile.get(genre) ?? 0) + count / norm);
    }
    const profileNorm = Math.hypot(...this.genreProfile.values());
    for (const [genre, weight] of this.genreProfile)
      this.genreProfile.set(genre, weight / profileNorm);
  }

  /** True when the stage has seed tracks to compare with (not for genre-only requests). */
  get applies(): boolean {
    return this.seedSlots.length > 0;
  }

  /** Writes the candidate's features into `out` at `offset`, in RANKING_FEATURES order. */
  features(slot: number, out: Float64Array, offset = 0): void {
    const terms = this.plan.terms;
    let style = 0;
    for (let k = 0; k < terms.columns.length; k++) {
      if (this.styleScale[k] === 0) continue;
      const z = this.z(slot, k);
      style += this.styleScale[k] * (z === z ? (z - this.styleMean[k]) ** 2 : 1);
    }
    const artist = this.plan.firstArtist(slot);
    const [artistCloseness, artistPopularityGap, artistGenres] = this.artistFit(artist);
    const year = this.index.yearOf(slot) ?? NaN;
    const yearGap = leastGap(year, this.seedYears);
    const popularity = this.popularityOf(slot);
    const seedCount = this.seedSlots.length;
    out[offset] = -style;
    out[offset + 1] = terms.sharesArtist(slot);
    out[offset + 2] = artist >= 0 ? (this.seedFirstArtists.get(artist) ?? 0) / seedCount : 0;
    out[offset + 3] = artistCloseness;
    out[offset + 4] = artistPopularityGap;
    out[offset + 5] = terms.sharesAlbum(slot);
    out[offset + 6] = yearGap < Infinity ? Math.exp(-yearGap / YEAR_SCALE) : 0;
    out[offset + 7] =
      year === year && this.yearMedian === this.yearMedian
        ? -Math.min(TYPICAL_CAP, Math.abs(year - this.yearMedian) / this.yearSpread)
        : -TYPICAL_CAP;
    out[offset + 8] = -Math.min(100, leastGap(popularity, this.seedPopularity)) / 100;
    out[offset + 9] = popularity === popularity ? popularity / 100 : 0;
    out[offset + 10] =
      this.seedBaseNames.size > 0 && this.seedBaseNames.has(baseName(this.index.nameOf(slot)))
        ? 1
        : 0;
    out[offset + 11] = artistGenres;
  }

  /** The candidate's score: its parts added up (as `parts` lists them). */
  score(slot: number): number {
    this.features(slot, this.row);
    let score = 0;
    for (let f = 0; f < RANKING_FEATURE_COUNT; f++) score += this.weightVector[f] * this.row[f];
    const terms = this.plan.terms;
    if (terms.moodBonus !== 0) score += terms.moodBonus * terms.moodProbability(slot);
    if (terms.targetColumns.length > 0) {
      let targets = 0;
      for (let t = 0; t < terms.targetColumns.length; t++) targets += terms.targetTerm(slot, t);
      score -= terms.targetScale * targets;
    }
    return terms.negativeCount > 0 ? score - terms.negativePenalty(slot) : score;
  }

  /** The parts of the candidate's score (those that are not 0), adding up to it. */
  parts(slot: number): RankingPart[] {
    const features = new Float64Array(RANKING_FEATURE_COUNT);
    this.features(slot, features);
    const parts: RankingPart[] = [];
    RANKING_FEATURES.forEach((factor, f) => {
      const value = this.weightVector[f] * features[f];
      if (value !== 0) parts.push({ factor, value });
    });
    const terms = this.plan.terms;
    const mood = terms.moodBonus * terms.moodProbability(slot);
    if (mood !== 0) parts.push({ factor: 'mood', value: mood });
    let targets = 0;
    for (let t = 0; t < terms.targetColumns.length; t++) targets += terms.targetTerm(slot, t);
    if (targets !== 0) parts.push({ factor: 'targets', value: -terms.targetScale * targets });
    const penalty = terms.negativePenalty(slot);
    if (penalty !== 0) parts.push({ factor: 'negative_seed', value: -penalty });
    return parts;
  }

  /** Standardised value of closeness column k (NaN where unknown). */
  private z(slot: number, k: number): number {
    const c = this.plan.terms.columns[k];
    const v = this.values[slot * COLUMN_COUNT + c];
    return (v - this.plan.terms.mean[c]) * Math.sqrt(this.plan.terms.inverseVariance[c]);
  }

  private popularityOf(slot: number): number {
    return this.values[slot * COLUMN_COUNT + POPULARITY_COLUMN];
  }

  /** artist_closeness, artist_popularity_gap and artist_genres of an artist, once per request. */
  private artistFit(artist: number): [number, number, number] {
    let fit = this.artistFits.get(artist);
    if (fit) return fit;
    if (artist < 0) {
      fit = [-2, -1, 0];
    } else {
      const { mean, genres = NO_GENRES } = this.profile(artist);
      let least = Infinity;
      for (const seedMean of this.seedArtistMeans)
        least = Math.min(least, this.meanCost(mean, seedMean));
      const popularityGap = Math.min(
        100,
        leastGap(mean[POPULARITY_COLUMN], this.seedArtistPopularity),
      );
      let dot = 0;
      for (const [genre, count] of genres) dot += count * (this.genreProfile.get(genre) ?? 0);
      const norm = Math.hypot(...genres.values());
      fit = [least < Infinity ? -least : -2, -popularityGap / 100, norm > 0 ? dot / norm : 0];
    }
    this.artistFits.set(artist, fit);
    return fit;
  }

  /** The artist's mean values and genre counts over its live tracks (see artistProfile). */
  private profile(artist: number): ArtistProfile {
    let profile = this.profiles.get(artist);
    if (!profile) {
      profile = artistProfile(this.index, artist, this.needed.genres);
      this.profiles.set(artist, profile);
    }
    return profile;
  }

  /**
   * Closeness cost between two rows of mean values, as the first stage measures a track's: an
   * unknown side costs what an unknown costs on average (1 + z² of the known side, 2 for both).
   */
  private meanCost(a: Float64Array, b: Float64Array): number {
    const terms = this.plan.terms;
    let cost = 0;
    for (let k = 0; k < terms.columns.length; k++) {
      const c = terms.columns[k];
      const d = a[c] - b[c];
      if (d === d) {
        cost += terms.scaledWeight[k] * d * d;
        continue;
      }
      const knownSide = a[c] === a[c] ? a[c] : b[c];
      const gap =
        knownSide === knownSide
          ? 1 + (knownSide - terms.mean[c]) ** 2 * terms.inverseVariance[c]
          : 2;
      cost += terms.columnWeight[k] * gap;
    }
    return cost;
  }
}

/**
 * Artist profiles per index, for as long as its tracks do not change (its trackChanges): an artist's
 * profile costs a pass over its tracks, and the artists near a listener's seeds come back request
 * after request. At most one entry per artist (14 numbers and its genre counts).
 */
const profileCache = new WeakMap<
  CatalogIndex,
  { trackChanges: number; profiles: Map<number, ArtistProfile> }
>();

/** The artist's mean values and (when `withGenres`) genre counts over its live tracks. */
function artistProfile(index: CatalogIndex, artist: number, withGenres: boolean): ArtistProfile {
  let cache = profileCache.get(index);
  if (!cache || cache.trackChanges !== index.trackChanges) {
    cache = { trackChanges: index.trackChanges, profiles: new Map() };
    profileCache.set(index, cache);
  }
  const cached = cache.profiles.get(artist);
  if (cached && (cached.genres || !withGenres)) return cached;
  const { values } = index.columns();
  const sums = new Float64Array(COLUMN_COUNT);
  const counts = new Float64Array(COLUMN_COUNT);
  const genres = withGenres ? new Map<number, number>() : undefined;
  for (const slot of index.tracksOfArtist(artist)) {
    for (let c = 0; c < COLUMN_COUNT; c++) {
      const v = values[slot * COLUMN_COUNT + c];
      if (v !== v) continue;
      sums[c] += v;
      counts[c]++;
    }
    if (genres)
      for (const genre of index.genresOf(slot)) genres.set(genre, (genres.get(genre) ?? 0) + 1);
  }
  const mean = sums.map((sum, c) => (counts[c] > 0 ? sum / counts[c] : NaN));
  const profile = { mean, genres };
  cache.profiles.set(artist, profile);
  return profile;
}

/** A name without version suffixes (` - Remix`, ` (feat. …)`, ` [Live]`), lower case; '' for none. */
export function baseName(name: string | null): string {
  return (name ?? '')
    .toLowerCase()
    .split(/ - | \(| \[/)[0]
    .trim();
}

/** The least |value − reference|; Infinity where the value is unknown or there is no reference. */
function leastGap(value: number, references: readonly number[]): number {
  if (value !== value) return Infinity;
  let least = Infinity;
  for (const reference of references) least = Math.min(least, Math.abs(value - reference));
  return least;
}

function known(values: number[]): number[] {
  return values.filter((value) => value === value);
}
