import {
  type CatalogIndex,
  COLUMN_COUNT,
  INDEX_COLUMNS,
  POPULARITY_COLUMN,
} from '../catalog-index/catalog-index';
import { NodeBounds } from './node-bounds';
import type { RecommendationRequest, SeedInput } from './recommendation-request';
import type { RecommendationWeights } from './recommendation-weights';
import {
  type NegativePoint,
  type ScoringSpec,
  ScoringTerms,
  type SeedPoint,
} from './scoring-terms';

/** The scoring's spec, plus which tracks may not be recommended. */
export interface PlanSpec extends ScoringSpec {
  excludedSlots: Set<number>;
  excludedArtists: Set<number>;
}

/** A seed as the catalog knows it: the points it stands for and the genres it brings. */
export interface ResolvedSeed {
  input: SeedInput;
  known: boolean;
  points: SeedPoint[];
  /** The catalog tracks it stands for (a track seed's own, an artist seed's representatives). */
  slots: number[];
  genres: Set<number>;
}

/**
 * One request compiled over an index: its scoring terms (what a track scores), their bounds over the
 * index's tree nodes (what the tree search prunes with), and which tracks are allowed.
 */
export class QueryPlan {
  readonly terms: ScoringTerms;
  readonly bounds: NodeBounds;
  private readonly slotArtistStart: Int32Array;
  private readonly slotArtistCount: Uint16Array;
  private readonly artistPool: Int32Array;

  constructor(
    readonly index: CatalogIndex,
    readonly spec: PlanSpec,
    weights: RecommendationWeights,
  ) {
    this.terms = new ScoringTerms(index, spec, weights);
    this.bounds = new NodeBounds(this.terms, index, spec);
    const columns = index.columns();
    this.slotArtistStart = columns.artistStart;
    this.slotArtistCount = columns.artistCount;
    this.artistPool = columns.artistPool;
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

  /** The track's first-credited artist, -1 for none. */
  firstArtist(slot: number): number {
    return this.slotArtistCount[slot] > 0 ? this.artistPool[this.slotArtistStart[slot]] : -1;
  }

  /** Which seed of the request a seed point stands for. */
  seedOfPoint(point: number): number {
    return this.spec.points[point].seed;
  }
}

/** Resolves the request's seeds in the index and compiles the request into a plan. */
export function compilePlan(
  index: CatalogIndex,
  request: RecommendationRequest,
  weights: RecommendationWeights,
): { plan: QueryPlan; seeds: ResolvedSeed[] } {
  const seeds = request.seeds.map((seed, i) => resolveSeed(index, seed, i, weights));
  return { plan: new QueryPlan(index, planSpec(index, request, seeds, weights), weights), seeds };
}

function resolveSeed(
  index: CatalogIndex,
  input: SeedInput,
  seed: number,
  weights: RecommendationWeights,
): ResolvedSeed {
  const resolved: ResolvedSeed = {
    input,
    known: false,
    points: [],
    slots: [],
    genres: new Set(),
  };
  if (input.type === 'track') {
    const slot = index.slotOf(input.id);
    if (slot !== undefined) {
      resolved.points.push({ seed, values: valuesOf(index, slot) });
      resolved.slots.push(slot);
      index.genresOf(slot).forEach((genre) => resolved.genres.add(genre));
    } else if (input.values) {
      resolved.points.push({ seed, values: input.values });
    }
    resolved.known = resolved.points.length > 0;
  } else if (input.type === 'artist') {
    const tracks = index.findArtists(input.id).flatMap((artist) => index.tracksOfArtist(artist));
    const { values } = index.columns();
    const popularity = (slot: number) => {
      const value = values[slot * COLUMN_COUNT + POPULARITY_COLUMN];
      return value === value ? value : -1;
    };
    const representative = [...new Set(tracks)]
      .sort((a, b) => popularity(b) - popularity(a) || index.compareIds(a, b))
      .slice(0, weights.artistSeedTracks);
    for (const slot of representative) {
      resolved.points.push({ seed, values: valuesOf(index, slot) });
      resolved.slots.push(slot);
      index.genresOf(slot).forEach((genre) => resolved.genres.add(genre));
    }
    resolved.known = tracks.length > 0;
  } else {
    index.findGenres(input.id).forEach((genre) => resolved.genres.add(genre));
    resolved.known = resolved.genres.size > 0;
  }
  return resolved;
}

function planSpec(
  index: CatalogIndex,
  request: RecommendationRequest,
  seeds: ResolvedSeed[],
  weights: RecommendationWeights,
): PlanSpec {
  const affinityArtists = new Set<number>();
  const affinityAlbums = new Set<number>();
  const excludedSlots = new Set<number>();
  for (const { input, known } of seeds) {
    if (!known) continue;
    if (input.type === 'artist')
      index.findArtists(input.id).forEach((artist) => affinityArtists.add(artist));
    const slot = input.type === 'track' ? index.slotOf(input.id) : undefined;
    if (slot === undefined) continue;
    excludedSlots.add(slot);
    index.artistsOf(slot).forEach((artist) => affinityArtists.add(artist));
    affinityAlbums.add(index.albumOf(slot));
  }
  for (const id of request.excludeTracks) {
    const slot = index.slotOf(id);
    if (slot !== undefined) excludedSlots.add(slot);
  }
  // A negative seed the catalog lacks is left out, as an unknown seed track is: nothing is known
  // of its features.
  const negativePoints: NegativePoint[] = [];
  for (const id of new Set(request.negativeTracks)) {
    const slot = index.slotOf(id);
    if (slot === undefined) continue;
    excludedSlots.add(slot);
    negativePoints.push({ id, values: valuesOf(index, slot) });
  }
  const filters = INDEX_COLUMNS.flatMap((column, c) =>
    request.min[column] === undefined && request.max[column] === undefined
      ? []
      : [
          {
            column: c,
            min: request.min[column] ?? -Infinity,
            max: request.max[column] ?? Infinity,
          },
        ],
  );
  const targets = INDEX_COLUMNS.flatMap((column, c) => {
    const value = request.targets[column];
    return value === undefined ? [] : [{ column: c, value }];
  });
  return {
    points: seeds.flatMap((seed) => seed.points),
    targets,
    filters,
    affinityArtists,
    affinityAlbums,
    genreWeights: genreWeights(index, seeds, weights),
    moodLabel: request.mood === undefined ? -1 : index.moodLabels().indexOf(request.mood),
    negativePoints,
    excludedSlots,
    excludedArtists: new Set(request.excludeArtists.flatMap((artist) => index.findArtists(artist))),
  };
}

/**
 * Each genre's share of the seeds' genre weight: the share of known seeds that carry it, times its
 * rarity in the catalog (inverse document frequency, to the power `genreRarity`), normalised so
 * that a track carrying every seed genre gets the whole genre bonus.
 */
function genreWeights(
  index: CatalogIndex,
  seeds: ResolvedSeed[],
  weights: RecommendationWeights,
): Map<number, number> {
  const carriers = new Map<number, number>();
  for (const seed of seeds)
    for (const genre of seed.genres) carriers.set(genre, (carriers.get(genre) ?? 0) + 1);
  const raw = new Map<number, number>();
  let total = 0;
  for (const [genre, count] of carriers) {
    const rarity = Math.log((index.size + 1) / (index.genreTrackCount(genre) + 1)) + 1;
    const weight = count * rarity ** weights.genreRarity;
    raw.set(genre, weight);
    total += weight;
  }
  const shares = new Map<number, number>();
  for (const [genre, weight] of raw) shares.set(genre, weight / total);
  return shares;
}

function valuesOf(index: CatalogIndex, slot: number): Float64Array {
  return Float64Array.from(
    index.columns().values.subarray(slot * COLUMN_COUNT, (slot + 1) * COLUMN_COUNT),
  );
}
