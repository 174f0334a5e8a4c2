import {
  type CatalogIndex,
  COLUMN_COUNT,
  INDEX_COLUMNS,
  POPULARITY_COLUMN,
} from '../catalog-index/catalog-index';
import type { RecommendationWeights } from './recommendation-weights';

/** A point a candidate is compared with: a seed track's values (raw, NaN where unknown). */
export interface SeedPoint {
  /** Which seed of the request it stands for. */
  seed: number;
  values: ArrayLike<number>;
}

/** A negative seed: a track the listener turned away from, by its values (raw, NaN where unknown). */
export interface NegativePoint {
  id: string;
  values: ArrayLike<number>;
}

/** What a request asks of a track's score, in the index's ids (see QueryPlan for the rest). */
export interface ScoringSpec {
  points: SeedPoint[];
  targets: { column: number; value: number }[];
  /** Inclusive bounds; ±Infinity where one side is open. */
  filters: { column: number; min: number; max: number }[];
  affinityArtists: Set<number>;
  affinityAlbums: Set<number>;
  /** Genre id → its share of the seeds' genre weight (the shares add up to 1). */
  genreWeights: Map<number, number>;
  /** Index mood label to prefer, -1 for none. */
  moodLabel: number;
  /** Negative seeds: tracks near them pay the negative-seed penalty. */
  negativePoints: NegativePoint[];
}

/**
 * Bounds may come out a rounding error away from a track's score where sums run in another order
 * (genre weights); this relative slack keeps them upper bounds, and keeps early abandonment from
 * dropping a track that could still enter the pool. It only ever costs a little pruning.
 */
export const SLACK = 1e-9;

/**
 * The scoring of one request, compiled over an index: every weight, seed point, target and filter in
 * flat arrays (read by NodeBounds and the explanations too), and what a track scores.
 *
 * A score is (bonuses − target cost) − nearest × closeness cost. Differences are standardised per
 * column (catalog mean and standard deviation) and squared. A value the catalog lacks costs what an
 * unknown catalog value costs on average: against a known value v, E[(X − v)²] = 1 + z(v)² for a
 * standardised X; against another unknown, 2. So missing data neither helps nor hurts a track on
 * average, and a column that no track has (TidyTuesday's time_signature) changes no ranking. A
 * min/max filter needs a known value: an unknown one cannot be shown to pass.
 *
 * Tracks near a negative seed pay a penalty: negativeSeed × max(0, 1 − d/radius), d the closeness
 * distance (√cost, on the same columns, weights and unknown-value costs as closeness to a seed) to
 * the nearest negative seed. It is never negative, so it is the one term the bounds leave out:
 * leaving out what only lowers a score keeps an upper bound an upper bound. It is computed last,
 * for the tracks that survive the closeness limit only.
 *
 * The tree search prunes with bounds of these terms (CostBounds for the targets and closeness,
 * NodeBounds for the bonuses): a term added or changed here is bounded there too, or the search
 * stops being exact (node-bounds.spec.ts and pool-search.spec.ts say so).
 */
export class ScoringTerms {
  readonly values: Float32Array;
  readonly mean = new Float64Array(COLUMN_COUNT);
  readonly inverseVariance = new Float64Array(COLUMN_COUNT);
  /** Columns that count in closeness; per column its weight (adding up to 1), × 1/variance, mean. */
  readonly columns: Int32Array;
  readonly columnWeight: Float64Array;
  readonly scaledWeight: Float64Array;
  readonly columnMean: Float64Array;
  readonly pointCount: number;
  /** Per point and closeness column: the point's value, and the weighted cost of an unknown candidate value. */
  readonly pointValue: Float64Array;
  readonly pointUnknownCost: Float64Array;
  readonly targetColumns: Int32Array;
  readonly targetValues: Float64Array;
  readonly targetUnknownCost: Float64Array;
  readonly targetScale: number;
  readonly filterColumns: Int32Array;
  readonly filterMin: Float64Array;
  readonly filterMax: Float64Array;
  readonly genreWeight: Float64Array;
  readonly seedGenres: Int32Array;
  readonly moodLabel: number;
  readonly nearestWeight: number;
  readonly artistBonus: number;
  readonly albumBonus: number;
  readonly genreBonus: number;
  readonly moodBonus: number;
  readonly popularityBonus: number;
  /**
   * The negative seeds (none when the penalty's weight or radius is 0): their ids, and per one and
   * closeness column its value and an unknown candidate value's cost, as for the seed points.
   */
  readonly negativeCount: number;
  readonly negativeIds: string[];
  readonly negativeValue: Float64Array;
  readonly negativeUnknownCost: Float64Array;
  readonly negativeWeight: number;
  /** The closeness cost (radius²) from which a negative seed costs nothing. */
  readonly negativeReach: number;
  private readonly negativeInverseRadius: number;
  private readonly candidate: Float64Array;
  private readonly affinityArtists: Int32Array;
  private readonly affinityAlbums: Int32Array;
  private readonly slotArtistStart: Int32Array;
  private readonly slotArtistCount: Uint16Array;
  private readonly artistPool: Int32Array;
  private readonly slotGenreStart: Int32Array;
  private readonly slotGenreCount: Uint16Array;
  private readonly genrePool: Int32Array;
  private readonly slotAlbum: Int32Array;
  private readonly slotMoodLabel: Int8Array;
  private readonly slotMoodProbability: Float32Array;

  constructor(index: CatalogIndex, spec: ScoringSpec, weights: RecommendationWeights) {
    const columns = index.columns();
    this.values = columns.values;
    this.slotArtistStart = columns.artistStart;
    this.slotArtistCount = columns.artistCount;
    this.artistPool = columns.artistPool;
    this.slotGenreStart = columns.genreStart;
    this.slotGenreCount = columns.genreCount;
    this.genrePool = columns.genrePool;
    this.slotAlbum = columns.album;
    this.slotMoodLabel = columns.moodLabel;
    this.slotMoodProbability = columns.moodProbability;
    for (let c = 0; c < COLUMN_COUNT; c++) {
      this.mean[c] = index.mean[c];
      this.inverseVariance[c] = 1 / (index.sd[c] * index.sd[c]);
    }

    const weighted = INDEX_COLUMNS.map((column, c) => ({ c, w: weights.features[column] })).filter(
      ({ w }) => w > 0,
    );
    const totalWeight = weighted.reduce((sum, { w }) => sum + w, 0);
    this.columns = Int32Array.from(weighted, ({ c }) => c);
    this.columnWeight = Float64Array.from(weighted, ({ w }) => w / totalWeight);
    this.scaledWeight = Float64Array.from(
      weighted,
      ({ c, w }) => (w / totalWeight) * this.inverseVariance[c],
    );
    this.columnMean = Float64Array.from(weighted, ({ c }) => this.mean[c]);
    const K = this.columns.length;
    this.candidate = new Float64Array(K);

    this.pointCount = spec.points.length;
    [this.pointValue, this.pointUnknownCost] = this.closenessPoints(spec.points);

    const penalised = weights.negativeSeed > 0 && weights.negativeSeedRadius > 0;
    const negatives = penalised ? spec.negativePoints : [];
    this.negativeCount = negatives.length;
    this.negativeIds = negatives.map((negative) => negative.id);
    [this.negativeValue, this.negativeUnknownCost] = this.closenessPoints(negatives);
    this.negativeWeight = penalised ? weights.negativeSeed : 0;
    this.negativeReach = weights.negativeSeedRadius * weights.negativeSeedRadius;
    this.negativeInverseRadius = 1 / weights.negativeSeedRadius;

    this.targetColumns = Int32Array.from(spec.targets, (t) => t.column);
    this.targetValues = Float64Array.from(spec.targets, (t) => t.value);
    this.targetUnknownCost = Float64Array.from(spec.targets, (t) =>
      this.unknownPenalty(t.column, t.value),
    );
    this.targetScale = spec.targets.length > 0 ? weights.targets / spec.targets.length : 0;

    // Stored values are float32: rounding the bounds the same way makes "value ≥ min" exact.
    this.filterColumns = Int32Array.from(spec.filters, (f) => f.column);
    this.filterMin = Float64Array.from(spec.filters, (f) => Math.fround(f.min));
    this.filterMax = Float64Array.from(spec.filters, (f) => Math.fround(f.max));

    this.affinityArtists = Int32Array.from(spec.affinityArtists);
    this.affinityAlbums = Int32Array.from(spec.affinityAlbums);
    this.genreWeight = new Float64Array(index.genreDictionarySize);
    for (const [genre, weight] of spec.genreWeights) this.genreWeight[genre] = weight;
    this.seedGenres = Int32Array.from(spec.genreWeights.keys()).sort();
    this.moodLabel = spec.moodLabel;
    this.nearestWeight = weights.nearest;
    this.artistBonus = weights.sameArtist;
    this.albumBonus = weights.sameAlbum;
    this.genreBonus = weights.genre;
    this.moodBonus = spec.moodLabel >= 0 ? weights.mood : 0;
    this.popularityBonus =
      spec.points.length > 0 ? weights.popularity : weights.popularityWithoutSeedTracks;
  }

  /**
   * The track's score; -Infinity when it fails a filter, or when it cannot reach `threshold`: with
   * `bonusCap` (an upper bound of its bonuses, its tree node's) the closeness sums stop early, and
   * the bonuses are only counted for tracks that may get in. Without a cap, every track that passes
   * the filters is scored in full.
   */
  score(slot: number, threshold = -Infinity, bonusCap = Infinity): number {
    const values = this.values;
    const base = slot * COLUMN_COUNT;
    for (let f = 0; f < this.filterColumns.length; f++) {
      const v = values[base + this.filterColumns[f]];
      if (!(v >= this.filterMin[f] && v <= this.filterMax[f])) return -Infinity;
    }
    let target = 0;
    for (let t = 0; t < this.targetColumns.length; t++) target += this.targetTerm(slot, t);
    let near = 0;
    if (this.pointCount > 0) {
      const limit = this.closenessLimit(bonusCap - this.targetScale * target, threshold);
      if (limit < 0) return -Infinity;
      near = this.nearestWithin(slot, limit);
      if (near === Infinity) return -Infinity;
    }
    const rest = this.bonuses(slot) - this.targetScale * target;
    const score = this.pointCount > 0 ? rest - this.nearestWeight * near : rest;
    return this.negativeCount > 0 ? score - this.negativePenalty(slot) : score;
  }

  /**
   * What nearness to the negative seeds costs the track (≥ 0, the score's last term):
   * negativeSeed × max(0, 1 − d/radius), d the closeness distance to the nearest negative seed.
   */
  negativePenalty(slot: number): number {
    if (this.negativeCount === 0) return 0;
    const cost = this.nearestNegativeCost(slot);
    return cost < this.negativeReach
      ? this.negativeWeight * (1 - Math.sqrt(cost) * this.negativeInverseRadius)
      : 0;
  }

  /** The nearest negative seed (the first on ties) and the closeness cost to it; -1 for none. */
  nearestNegative(slot: number): { cost: number; negative: number } {
    let cost = Infinity;
    let negative = -1;
    const K = this.columns.length;
    for (let n = 0; n < this.negativeCount; n++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += this.negativeTerm(slot, n * K + k, k);
      if (sum < cost) {
        cost = sum;
        negative = n;
      }
    }
    return { cost, negative };
  }

  /** The closeness cost to the nearest seed point and which point it is (the first on ties). */
  nearest(slot: number): { cost: number; point: number } {
    let cost = Infinity;
    let point = -1;
    for (let p = 0; p < this.pointCount; p++) {
      const pointCost = this.pointCost(slot, p);
      if (pointCost < cost) {
        cost = pointCost;
        point = p;
      }
    }
    return { cost, point };
  }

  /** Similarity of two catalog tracks in 0…1: exp(−closeness cost), on the same columns and weights. */
  similarity(a: number, b: number): number {
    const values = this.values;
    let cost = 0;
    for (let k = 0; k < this.columns.length; k++) {
      const c = this.columns[k];
      const other = values[b * COLUMN_COUNT + c];
      const unknownCost =
        this.columnWeight[k] * (other === other ? this.unknownPenalty(c, other) : 2);
      cost += termOf(
        values[a * COLUMN_COUNT + c],
        other,
        unknownCost,
        this.columnMean[k],
        this.columnWeight[k],
        this.scaledWeight[k],
      );
    }
    return Math.exp(-cost);
  }

  /** One column's closeness term between the track in `slot` and seed point `point`. */
  closenessTerm(slot: number, point: number, k: number): number {
    const i = point * this.columns.length + k;
    return termOf(
      this.values[slot * COLUMN_COUNT + this.columns[k]],
      this.pointValue[i],
      this.pointUnknownCost[i],
      this.columnMean[k],
      this.columnWeight[k],
      this.scaledWeight[k],
    );
  }

  /** Target `t`'s term (before the targets' scale) for the track in `slot`. */
  targetTerm(slot: number, t: number): number {
    const c = this.targetColumns[t];
    return termOf(
      this.values[slot * COLUMN_COUNT + c],
      this.targetValues[t],
      this.targetUnknownCost[t],
      this.mean[c],
      1,
      this.inverseVariance[c],
    );
  }

  /**
   * The largest closeness cost that still lets a track with these other parts reach `threshold`,
   * rounded up by the slack (negative: none can).
   */
  closenessLimit(rest: number, threshold: number): number {
    if (threshold === -Infinity) return Infinity;
    if (this.nearestWeight === 0) return rest >= threshold ? Infinity : -1;
    return ((rest - threshold) / this.nearestWeight) * (1 + SLACK) + SLACK;
  }

  sharesArtist(slot: number): number {
    const start = this.slotArtistStart[slot];
    const end = start + this.slotArtistCount[slot];
    for (let i = start; i < end; i++) {
      const artist = this.artistPool[i];
      for (let a = 0; a < this.affinityArtists.length; a++)
        if (this.affinityArtists[a] === artist) return 1;
    }
    return 0;
  }

  sharesAlbum(slot: number): number {
    const album = this.slotAlbum[slot];
    for (let a = 0; a < this.affinityAlbums.length; a++)
      if (this.affinityAlbums[a] === album) return 1;
    return 0;
  }

  /** The share of the seeds' genre weight the track carries, at most 1. */
  genreShare(slot: number): number {
    if (this.seedGenres.length === 0) return 0;
    let share = 0;
    const start = this.slotGenreStart[slot];
    const end = start + this.slotGenreCount[slot];
    for (let i = start; i < end; i++) share += this.genreWeight[this.genrePool[i]];
    return Math.min(1, share);
  }

  /** P(the preferred mood) where that is the track's predicted mood, else 0. */
  moodProbability(slot: number): number {
    return this.moodLabel >= 0 && this.slotMoodLabel[slot] === this.moodLabel
      ? this.slotMoodProbability[slot]
      : 0;
  }

  popularityShare(slot: number): number {
    const popularity = this.values[slot * COLUMN_COUNT + POPULARITY_COLUMN];
    return popularity === popularity ? popularity / 100 : 0;
  }

  private bonuses(slot: number): number {
    return (
      this.artistBonus * this.sharesArtist(slot) +
      this.albumBonus * this.sharesAlbum(slot) +
      this.genreBonus * this.genreShare(slot) +
      this.moodBonus * this.moodProbability(slot) +
      this.popularityBonus * this.popularityShare(slot)
    );
  }

  /**
   * The least closeness cost of the track in `slot` over the points, or Infinity when every point
   * costs more than `limit`.
   */
  nearestWithin(slot: number, limit: number): number {
    const K = this.columns.length;
    const x = this.candidate;
    for (let k = 0; k < K; k++) x[k] = this.values[slot * COLUMN_COUNT + this.columns[k]];
    let best = Infinity;
    let cap = limit;
    for (let p = 0; p < this.pointCount; p++) {
      const offset = p * K;
      let sum = 0;
      let k = 0;
      for (; k < K; k++) {
        const i = offset + k;
        sum += termOf(
          x[k],
          this.pointValue[i],
          this.pointUnknownCost[i],
          this.columnMean[k],
          this.columnWeight[k],
          this.scaledWeight[k],
        );
        if (sum > cap) break;
      }
      if (k === K && sum < best) {
        best = sum;
        cap = sum;
      }
    }
    return best;
  }

  /**
   * The closeness cost to the nearest negative seed where it is below the reach (Infinity where none
   * is): a sum stops as soon as it passes the reach or the best so far, which makes no difference to
   * the penalty, since nothing lowers a sum of terms that are never negative.
   */
  private nearestNegativeCost(slot: number): number {
    const K = this.columns.length;
    let best = Infinity;
    let cap = this.negativeReach;
    for (let n = 0; n < this.negativeCount; n++) {
      let sum = 0;
      let k = 0;
      for (; k < K && sum < cap; k++) sum += this.negativeTerm(slot, n * K + k, k);
      if (k === K && sum < cap) {
        best = sum;
        cap = sum;
      }
    }
    return best;
  }

  private negativeTerm(slot: number, i: number, k: number): number {
    return termOf(
      this.values[slot * COLUMN_COUNT + this.columns[k]],
      this.negativeValue[i],
      this.negativeUnknownCost[i],
      this.columnMean[k],
      this.columnWeight[k],
      this.scaledWeight[k],
    );
  }

  /**
   * Per point and closeness column (point-major): the point's value, and the cost of an unknown
   * candidate value.
   */
  private closenessPoints(points: { values: ArrayLike<number> }[]): [Float64Array, Float64Array] {
    const K = this.columns.length;
    const value = new Float64Array(points.length * K);
    const unknownCost = new Float64Array(points.length * K);
    points.forEach((point, p) => {
      this.columns.forEach((c, k) => {
        const v = point.values[c];
        value[p * K + k] = v;
        unknownCost[p * K + k] = this.columnWeight[k] * (v === v ? this.unknownPenalty(c, v) : 2);
      });
    });
    return [value, unknownCost];
  }

  private pointCost(slot: number, point: number): number {
    let sum = 0;
    for (let k = 0; k < this.columns.length; k++) sum += this.closenessTerm(slot, point, k);
    return sum;
  }

  private unknownPenalty(column: number, value: number): number {
    const z = value - this.mean[column];
    return 1 + z * z * this.inverseVariance[column];
  }
}

/**
 * One column's weighted squared standardised difference between a candidate value x and a reference
 * s (`scaledWeight` = weight / variance). Unknown values: `unknownCost` (weight × (1 + z(s)²), or
 * weight × 2 when s is unknown too) for an unknown x; weight × (1 + z(x)²) for an unknown s.
 */
function termOf(
  x: number,
  s: number,
  unknownCost: number,
  mean: number,
  weight: number,
  scaledWeight: number,
): number {
  if (x !== x) return unknownCost;
  if (s === s) {
    const d = x - s;
    return d * d * scaledWeight;
  }
  const z = x - mean;
  return weight + z * z * scaledWeight;
}
