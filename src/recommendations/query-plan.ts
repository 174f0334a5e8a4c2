import {
  COLUMN_COUNT,
  INDEX_COLUMNS,
  type IndexColumn,
  type CatalogIndex,
  POPULARITY_COLUMN,
} from '../catalog-index/catalog-index';
import type { FeatureTree } from '../catalog-index/structures/feature-tree';
import type { RecommendationWeights } from './recommendation-weights';

/** A point a candidate is compared with: a seed track's values (raw, NaN where unknown). */
export interface SeedPoint {
  /** Which seed of the request it stands for. */
  seed: number;
  values: ArrayLike<number>;
}

export interface PlanSpec {
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
  excludedSlots: Set<number>;
  excludedArtists: Set<number>;
}

/** One part of a score, for explanations: a column's closeness and target terms, or a bonus. */
export interface ScorePart {
  factor: IndexColumn | 'same_artist' | 'same_album' | 'genre' | 'mood' | 'popularity';
  value: number;
}

/**
 * Bounds may come out a rounding error away from a track's score where sums run in another order
 * (genre weights); this relative slack keeps them upper bounds, and keeps early abandonment from
 * dropping a track that could still enter the pool. It only ever costs a little pruning.
 */
const SLACK = 1e-9;

/**
 * The scoring of one request, compiled over an index: every weight, seed point, target and filter in
 * flat arrays. `score` rates a track; `bound` gives an upper bound of `score` over every track under
 * a tree node, which is what lets the tree search skip most of the catalog and stay exact.
 *
 * A score is (bonuses − target cost) − nearest × closeness cost. Differences are standardised per
 * column (catalog mean and standard deviation) and squared. A value the catalog lacks costs what an
 * unknown catalog value costs on average: against a known value v, E[(X − v)²] = 1 + z(v)² for a
 * standardised X; against another unknown, 2. So missing data neither helps nor hurts a track on
 * average, and a column that no track has (TidyTuesday's time_signature) changes no ranking. A
 * min/max filter needs a known value: an unknown one cannot be shown to pass.
 */
export class QueryPlan {
  readonly values: Float32Array;
  private readonly tree: FeatureTree | undefined;
  private readonly mean = new Float64Array(COLUMN_COUNT);
  private readonly inverseVariance = new Float64Array(COLUMN_COUNT);
  /** Columns that count in closeness; per column its weight (adding up to 1), × 1/variance, mean. */
  private readonly columns: Int32Array;
  private readonly columnWeight: Float64Array;
  private readonly scaledWeight: Float64Array;
  private readonly columnMean: Float64Array;
  readonly pointCount: number;
  /** Per point and closeness column: the point's value, and the weighted cost of an unknown candidate value. */
  private readonly pointValue: Float64Array;
  private readonly pointUnknownCost: Float64Array;
  private readonly pointSeed: Int32Array;
  private readonly candidate: Float64Array;
  private readonly targetColumns: Int32Array;
  private readonly targetValues: Float64Array;
  private readonly targetUnknownCost: Float64Array;
  private readonly targetScale: number;
  private readonly filterColumns: Int32Array;
  private readonly filterMin: Float64Array;
  private readonly filterMax: Float64Array;
  private readonly affinityArtists: Int32Array;
  private readonly affinityAlbums: Int32Array;
  private readonly genreWeight: Float64Array;
  private readonly seedGenres: Int32Array;
  private readonly moodLabel: number;
  private readonly nearestWeight: number;
  private readonly artistBonus: number;
  private readonly albumBonus: number;
  private readonly genreBonus: number;
  private readonly moodBonus: number;
  private readonly popularityBonus: number;
  private readonly slotArtistStart: Int32Array;
  private readonly slotArtistCount: Uint16Array;
  private readonly artistPool: Int32Array;
  private readonly slotGenreStart: Int32Array;
  private readonly slotGenreCount: Uint16Array;
  private readonly genrePool: Int32Array;
  private readonly slotAlbum: Int32Array;
  private readonly slotMoodLabel: Int8Array;
  private readonly slotMoodProbability: Float32Array;
  /**
   * Tree nodes holding a track of an affinity artist / album, for the bounds. Sets of the few marked
   * nodes rather than an array over all nodes: a request allocates little, so it adds little work
   * for the garbage collector.
   */
  private readonly artistMarks = new Set<number>();
  private readonly albumMarks = new Set<number>();

  constructor(
    readonly index: CatalogIndex,
    readonly spec: PlanSpec,
    readonly weights: RecommendationWeights,
  ) {
    const columns = index.columns();
    this.values = columns.values;
    this.tree = columns.tree;
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
    this.pointValue = new Float64Array(this.pointCount * K);
    this.pointUnknownCost = new Float64Array(this.pointCount * K);
    this.pointSeed = Int32Array.from(spec.points, (point) => point.seed);
    spec.points.forEach((point, p) => {
      this.columns.forEach((c, k) => {
        const v = point.values[c];
        this.pointValue[p * K + k] = v;
        this.pointUnknownCost[p * K + k] =
          this.columnWeight[k] * (v === v ? this.unknownPenalty(c, v) : 2);
      });
    });

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

    const tree = this.tree;
    if (tree) {
      const mark = (marks: Set<number>, slot: number) => {
        if (slot < columns.treeSize) for (const node of tree.pathTo(slot)) marks.add(node);
      };
      if (this.artistBonus !== 0) {
        for (const artist of spec.affinityArtists)
          for (const slot of index.tracksOfArtist(artist)) mark(this.artistMarks, slot);
      }
      if (this.albumBonus !== 0) {
        for (const album of spec.affinityAlbums)
          for (const slot of index.tracksOfAlbum(album)) mark(this.albumMarks, slot);
      }
    }
  }

  /**
   * The track's score; -Infinity when it fails a filter, or when it cannot reach `threshold`: with
   * `bonusCap` (an upper bound of its bonuses, its tree node's) the closeness sums stop early, and
   * the bonuses are only counted for tracks that may get in. Most tracks of a search are turned
   * away after a few columns.
   */
  score(slot: number, threshold = -Infinity, bonusCap = Infinity): number {
    const values = this.values;
    const base = slot * COLUMN_COUNT;
    for (let f = 0; f < this.filterColumns.length; f++) {
      const v = values[base + this.filterColumns[f]];
      if (!(v >= this.filterMin[f] && v <= this.filterMax[f])) return -Infinity;
    }
    let target = 0;
    for (let t = 0; t < this.targetColumns.length; t++) {
      const c = this.targetColumns[t];
      target += termOf(
        values[base + c],
        this.targetValues[t],
        this.targetUnknownCost[t],
        this.mean[c],
        1,
        this.inverseVariance[c],
      );
    }
    let near = 0;
    if (this.pointCount > 0) {
      const limit = this.closenessLimit(bonusCap - this.targetScale * target, threshold);
      if (limit < 0) return -Infinity;
      near = this.nearestWithin(slot, limit);
      if (near === Infinity) return -Infinity;
    }
    const rest = this.bonuses(slot) - this.targetScale * target;
    return this.pointCount > 0 ? rest - this.nearestWeight * near : rest;
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

  /** An upper bound of score() over the node's live tracks; -Infinity when none can pass or reach `threshold`. */
  bound(node: number, threshold = -Infinity): number {
    const tree = this.tree!;
    if (tree.liveCount[node] <= 0) return -Infinity;
    const box = node * COLUMN_COUNT;
    const lo = tree.lo;
    const hi = tree.hi;
    for (let f = 0; f < this.filterColumns.length; f++) {
      const c = this.filterColumns[f];
      if (
        !(lo[box + c] <= hi[box + c]) ||
        hi[box + c] < this.filterMin[f] ||
        lo[box + c] > this.filterMax[f]
      )
        return -Infinity;
    }
    const missing = tree.missing[node];
    let target = 0;
    for (let t = 0; t < this.targetColumns.length; t++) {
      const c = this.targetColumns[t];
      target += leastTermOf(
        lo[box + c],
        hi[box + c],
        (missing & (1 << c)) !== 0,
        this.targetValues[t],
        this.targetUnknownCost[t],
        this.mean[c],
        1,
        this.inverseVariance[c],
      );
    }
    let rest = this.bonusBound(node) - this.targetScale * target;
    rest += SLACK * (1 + Math.abs(rest));
    if (this.pointCount === 0) return rest < threshold ? -Infinity : rest;
    const limit = this.closenessLimit(rest, threshold);
    if (limit < 0) return -Infinity;
    const near = this.nearestWithin(-1, limit, node);
    return near === Infinity ? -Infinity : rest - this.nearestWeight * near;
  }

  /** An upper bound of the bonuses of the node's tracks (as bonuses() adds them up). */
  bonusBound(node: number): number {
    const tree = this.tree!;
    let genre = 0;
    if (tree.genreOverflow[node]) genre = 1;
    else {
      const words = tree.genreWords;
      for (let i = 0; i < this.seedGenres.length; i++) {
        const g = this.seedGenres[i];
        if (tree.genreBits[node * words + (g >>> 5)] & (1 << (g & 31)))
          genre += this.genreWeight[g];
      }
      genre = Math.min(1, genre);
    }
    const popularity = tree.hi[node * COLUMN_COUNT + POPULARITY_COLUMN];
    const mood =
      this.moodBonus !== 0 && this.moodLabel < tree.moodLabels
        ? tree.moodMax(node, this.moodLabel)
        : 0;
    const bonuses =
      this.artistBonus * (this.artistMarks.has(node) ? 1 : 0) +
      this.albumBonus * (this.albumMarks.has(node) ? 1 : 0) +
      this.genreBonus * genre +
      this.moodBonus * mood +
      this.popularityBonus * (popularity >= 0 ? popularity / 100 : 0);
    return bonuses + SLACK * (1 + Math.abs(bonuses));
  }

  /** True when the track may be recommended: not a seed, not excluded, no excluded artist. */
  allowed(slot: number): boolean {
    if (this.spec.excludedSlots.has(slot)) return false;
    if (this.spec.excludedArtists.size === 0) return true;
    const start = this.slotArtistStart[slot];
    for (let i = start; i < start + this.slotArtistCount[slot]; i++) {
      if (this.spec.excludedArtists.has(this.artistPool[i])) return false;
    }
    return true;
  }

  /** Similarity of two catalog tracks in 0…1: exp(−closeness cost), on the same columns and weights. */
  similarity(a: number, b: number): number {
    let cost = 0;
    this.columns.forEach((c, k) => {
      const other = this.values[b * COLUMN_COUNT + c];
      const unknownCost =
        this.columnWeight[k] * (other === other ? this.unknownPenalty(c, other) : 2);
      cost += termOf(
        this.values[a * COLUMN_COUNT + c],
        other,
        unknownCost,
        this.columnMean[k],
        this.columnWeight[k],
        this.scaledWeight[k],
      );
    });
    return Math.exp(-cost);
  }

  /** The parts of score(slot), adding up to it: per column (closeness and target), then bonuses. */
  parts(slot: number): { parts: ScorePart[]; point: number; cost: number } {
    const base = slot * COLUMN_COUNT;
    const byColumn = new Float64Array(COLUMN_COUNT);
    const nearest = this.nearest(slot);
    if (nearest.point >= 0) {
      const K = this.columns.length;
      this.columns.forEach((c, k) => {
        const i = nearest.point * K + k;
        byColumn[c] -=
          this.nearestWeight *
          termOf(
            this.values[base + c],
            this.pointValue[i],
            this.pointUnknownCost[i],
            this.columnMean[k],
            this.columnWeight[k],
            this.scaledWeight[k],
          );
      });
    }
    this.targetColumns.forEach((c, t) => {
      byColumn[c] -=
        this.targetScale *
        termOf(
          this.values[base + c],
          this.targetValues[t],
          this.targetUnknownCost[t],
          this.mean[c],
          1,
          this.inverseVariance[c],
        );
    });
    const parts: ScorePart[] = INDEX_COLUMNS.map((factor, c) => ({
      factor,
      value: byColumn[c],
    })).filter((part) => part.value !== 0);
    const bonuses: ScorePart[] = [
      { factor: 'same_artist', value: this.artistBonus * this.sharesArtist(slot) },
      { factor: 'same_album', value: this.albumBonus * this.sharesAlbum(slot) },
      { factor: 'genre', value: this.genreBonus * this.genreShare(slot) },
      { factor: 'mood', value: this.moodBonus * this.moodProbability(slot) },
      { factor: 'popularity', value: this.popularityBonus * this.popularityShare(slot) },
    ];
    parts.push(...bonuses.filter((part) => part.value !== 0));
    return { parts, point: nearest.point, cost: nearest.cost };
  }

  /** The track's first-credited artist, -1 for none. */
  firstArtist(slot: number): number {
    return this.slotArtistCount[slot] > 0 ? this.artistPool[this.slotArtistStart[slot]] : -1;
  }

  seedOfPoint(point: number): number {
    return this.pointSeed[point];
  }

  /** Standardised difference |z(track) − z(value)| of one column; NaN when the track lacks it. */
  standardisedGap(slot: number, column: number, value: number): number {
    const v = this.values[slot * COLUMN_COUNT + column];
    return Math.abs(v - value) * Math.sqrt(this.inverseVariance[column]);
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
   * The largest closeness cost that still lets a track with these other parts reach `threshold`,
   * rounded up by the slack (negative: none can).
   */
  private closenessLimit(rest: number, threshold: number): number {
    if (threshold === -Infinity) return Infinity;
    if (this.nearestWeight === 0) return rest >= threshold ? Infinity : -1;
    return ((rest - threshold) / this.nearestWeight) * (1 + SLACK) + SLACK;
  }

  /**
   * The least closeness cost over the points, or Infinity when every point costs more than `limit`:
   * of the track in `slot`, or (slot -1) a lower bound of it over the tracks of a tree `node`.
   */
  private nearestWithin(slot: number, limit: number, node = -1): number {
    const K = this.columns.length;
    const x = this.candidate;
    const tree = this.tree;
    const box = node * COLUMN_COUNT;
    const missing = node >= 0 ? tree!.missing[node] : 0;
    if (node < 0)
      for (let k = 0; k < K; k++) x[k] = this.values[slot * COLUMN_COUNT + this.columns[k]];
    let best = Infinity;
    let cap = limit;
    for (let p = 0; p < this.pointCount; p++) {
      const offset = p * K;
      let sum = 0;
      let k = 0;
      for (; k < K; k++) {
        const i = offset + k;
        const c = this.columns[k];
        sum +=
          node < 0
            ? termOf(
                x[k],
                this.pointValue[i],
                this.pointUnknownCost[i],
                this.columnMean[k],
                this.columnWeight[k],
                this.scaledWeight[k],
              )
            : leastTermOf(
                tree!.lo[box + c],
                tree!.hi[box + c],
                (missing & (1 << c)) !== 0,
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

  private pointCost(slot: number, point: number): number {
    const K = this.columns.length;
    const base = slot * COLUMN_COUNT;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const i = point * K + k;
      sum += termOf(
        this.values[base + this.columns[k]],
        this.pointValue[i],
        this.pointUnknownCost[i],
        this.columnMean[k],
        this.columnWeight[k],
        this.scaledWeight[k],
      );
    }
    return sum;
  }

  private sharesArtist(slot: number): number {
    const start = this.slotArtistStart[slot];
    const end = start + this.slotArtistCount[slot];
    for (let i = start; i < end; i++) {
      const artist = this.artistPool[i];
      for (let a = 0; a < this.affinityArtists.length; a++)
        if (this.affinityArtists[a] === artist) return 1;
    }
    return 0;
  }

  private sharesAlbum(slot: number): number {
    const album = this.slotAlbum[slot];
    for (let a = 0; a < this.affinityAlbums.length; a++)
      if (this.affinityAlbums[a] === album) return 1;
    return 0;
  }

  private genreShare(slot: number): number {
    if (this.seedGenres.length === 0) return 0;
    let share = 0;
    const start = this.slotGenreStart[slot];
    const end = start + this.slotGenreCount[slot];
    for (let i = start; i < end; i++) share += this.genreWeight[this.genrePool[i]];
    return Math.min(1, share);
  }

  private moodProbability(slot: number): number {
    return this.moodLabel >= 0 && this.slotMoodLabel[slot] === this.moodLabel
      ? this.slotMoodProbability[slot]
      : 0;
  }

  private popularityShare(slot: number): number {
    const popularity = this.values[slot * COLUMN_COUNT + POPULARITY_COLUMN];
    return popularity === popularity ? popularity / 100 : 0;
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

/** The least termOf over values x in [lo, hi] (none when lo > hi) and, if `missing`, an unknown x. */
function leastTermOf(
  lo: number,
  hi: number,
  missing: boolean,
  s: number,
  unknownCost: number,
  mean: number,
  weight: number,
  scaledWeight: number,
): number {
  let least = missing ? unknownCost : Infinity;
  if (lo <= hi) {
    const reference = s === s ? s : mean;
    const gap = reference < lo ? lo - reference : reference > hi ? reference - hi : 0;
    const known = s === s ? gap * gap * scaledWeight : weight + gap * gap * scaledWeight;
    if (known < least) least = known;
  }
  return least;
}
