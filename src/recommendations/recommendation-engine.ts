import {
  type CatalogIndex,
  COLUMN_COUNT,
  INDEX_COLUMNS,
  type IndexColumn,
  POPULARITY_COLUMN,
} from '../catalog-index/catalog-index';
import type { TrackView } from '../catalog/catalog-track';
import { type Candidate, type PoolLimits, type PoolSearch, treeSearch } from './pool-search';
import { type PlanSpec, QueryPlan, type ScorePart, type SeedPoint } from './query-plan';
import { DEFAULT_WEIGHTS, type RecommendationWeights } from './recommendation-weights';
import { rerank } from './rerank';

export type SeedType = 'track' | 'artist' | 'genre';

export interface SeedInput {
  type: SeedType;
  /** Track id; artist id or name; genre name. */
  id: string;
  /** A track seed's own values (raw, by INDEX_COLUMNS; NaN unknown), used where the catalog lacks it. */
  values?: ArrayLike<number>;
}

export type ColumnValues = Partial<Record<IndexColumn, number>>;

export interface RecommendationRequest {
  seeds: SeedInput[];
  targets: ColumnValues;
  min: ColumnValues;
  max: ColumnValues;
  limit: number;
  maxPerArtist: number;
  excludeTracks: string[];
  /** Artist ids or names. */
  excludeArtists: string[];
  /** A mood label of the catalog's mood predictions to prefer. */
  mood?: string;
  explain: boolean;
}

export const DEFAULT_LIMIT = 20;
export const DEFAULT_MAX_PER_ARTIST = 2;

/** A request for these seeds with the query string's defaults (20 tracks, 2 per artist, no bounds), then `options`. */
export function requestFor(
  seeds: SeedInput[],
  options: Partial<RecommendationRequest> = {},
): RecommendationRequest {
  return {
    seeds,
    targets: {},
    min: {},
    max: {},
    limit: DEFAULT_LIMIT,
    maxPerArtist: DEFAULT_MAX_PER_ARTIST,
    excludeTracks: [],
    excludeArtists: [],
    explain: false,
    ...options,
  };
}

export interface SeedReport {
  id: string;
  type: SeedType;
  href: string | null;
  /** Tracks of the candidate pool (the best-scoring tracks that pass the filters) this seed brought. */
  initialPoolSize: number;
  /** Of those, the ones the artist cap left eligible. */
  afterFilteringSize: number;
  /** Of those, the ones in the answer. */
  afterRelinkingSize: number;
}

export interface RecommendationReason {
  /** The track's score: its contributions add up to it. */
  score: number;
  /** The seed it is closest to, the root mean (weighted) squared standardised difference, and exp(−cost). */
  closest_seed: { id: string; type: SeedType; distance: number; similarity: number } | null;
  /** The largest parts of the score, signed, then `other` for the rest: they add up to `score`. */
  contributions: { factor: string; value: number }[];
  /** Targets the track meets: within half a standard deviation of the catalog. */
  targets_met: { feature: IndexColumn; target: number; value: number }[];
  /** What variety cost it in the rerank, and the track already picked that it resembles. */
  diversity_penalty: number;
  similar_to: string | null;
}

export type RecommendedTrack = TrackView & { reason?: RecommendationReason };

export interface RecommendationResult {
  tracks: RecommendedTrack[];
  seeds: SeedReport[];
  /** Seeds the catalog does not know (no track, artist or genre of that id or name). */
  unknownSeeds: SeedInput[];
}

const SPOTIFY_API = 'https://api.spotify.com/v1';
const SPOTIFY_ID = /^[0-9A-Za-z]{22}$/;
const CONTRIBUTIONS_LISTED = 5;
const TARGET_MET_SD = 0.5;
const DECIMALS = 4;
/** The candidate pool holds at most this many times `max_per_artist` tracks of one artist. */
const POOL_PER_ARTIST_CAP = 2;

interface ResolvedSeed {
  input: SeedInput;
  known: boolean;
  points: SeedPoint[];
  genres: Set<number>;
}

/**
 * Recommendations from a catalog index: resolves seeds, compiles the scoring (QueryPlan), draws the
 * candidate pool with a pool search (the exact tree search by default), reranks it for variety
 * under the artist cap, and explains each pick. Same index and request, same answer.
 */
export class RecommendationEngine {
  constructor(
    readonly weights: Readonly<RecommendationWeights> = DEFAULT_WEIGHTS,
    private readonly search: PoolSearch = treeSearch,
  ) {}

  recommend(index: CatalogIndex, request: RecommendationRequest): RecommendationResult {
    const resolved = request.seeds.map((seed, i) => this.resolveSeed(index, seed, i));
    const plan = new QueryPlan(index, this.planSpec(index, request, resolved), this.weights);

    // The pool keeps at most twice the artist cap of any (first-credited) artist, so that a few
    // prolific artists near the seeds cannot fill it. Tracks with several artists may still leave
    // the answer short under the cap: then the pool grows until the answer is full or the catalog
    // has no more candidates. Both pool searches grow it alike, so they still agree.
    const limits: PoolLimits = {
      size: Math.max(request.limit, Math.ceil(request.limit * this.weights.poolFactor)),
      perArtist: POOL_PER_ARTIST_CAP * request.maxPerArtist,
    };
    let pool: Candidate[];
    let result: ReturnType<typeof rerank>;
    for (;;) {
      pool = this.search(plan, limits);
      result = rerank(
        plan,
        index,
        pool,
        request.limit,
        request.maxPerArtist,
        this.weights.diversity,
      );
      if (result.picks.length >= request.limit || pool.length < limits.size) break;
      limits.size *= 4;
    }

    const tracks = result.picks.map((pick): RecommendedTrack => {
      const view: RecommendedTrack = index.trackView(pick.slot);
      if (request.explain) view.reason = this.explain(plan, request, resolved, pick);
      return view;
    });
    return {
      tracks,
      seeds: this.seedReports(plan, resolved, pool, result),
      unknownSeeds: resolved.filter((seed) => !seed.known).map((seed) => seed.input),
    };
  }

  private resolveSeed(index: CatalogIndex, input: SeedInput, seed: number): ResolvedSeed {
    const resolved: ResolvedSeed = { input, known: false, points: [], genres: new Set() };
    if (input.type === 'track') {
      const slot = index.slotOf(input.id);
      if (slot !== undefined) {
        resolved.points.push({ seed, values: valuesOf(index, slot) });
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
        .slice(0, this.weights.artistSeedTracks);
      for (const slot of representative) {
        resolved.points.push({ seed, values: valuesOf(index, slot) });
        index.genresOf(slot).forEach((genre) => resolved.genres.add(genre));
      }
      resolved.known = tracks.length > 0;
    } else {
      index.findGenres(input.id).forEach((genre) => resolved.genres.add(genre));
      resolved.known = resolved.genres.size > 0;
    }
    return resolved;
  }

  private planSpec(
    index: CatalogIndex,
    request: RecommendationRequest,
    seeds: ResolvedSeed[],
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
      genreWeights: this.genreWeights(index, seeds),
      moodLabel: request.mood === undefined ? -1 : index.moodLabels().indexOf(request.mood),
      excludedSlots,
      excludedArtists: new Set(
        request.excludeArtists.flatMap((artist) => index.findArtists(artist)),
      ),
    };
  }

  /**
   * Each genre's share of the seeds' genre weight: the share of known seeds that carry it, times its
   * rarity in the catalog (inverse document frequency, to the power `genreRarity`), normalised so
   * that a track carrying every seed genre gets the whole genre bonus.
   */
  private genreWeights(index: CatalogIndex, seeds: ResolvedSeed[]): Map<number, number> {
    const carriers = new Map<number, number>();
    for (const seed of seeds)
      for (const genre of seed.genres) carriers.set(genre, (carriers.get(genre) ?? 0) + 1);
    const raw = new Map<number, number>();
    let total = 0;
    for (const [genre, count] of carriers) {
      const rarity = Math.log((index.size + 1) / (index.genreTrackCount(genre) + 1)) + 1;
      const weight = count * rarity ** this.weights.genreRarity;
      raw.set(genre, weight);
      total += weight;
    }
    const weights = new Map<number, number>();
    for (const [genre, weight] of raw) weights.set(genre, weight / total);
    return weights;
  }

  private seedReports(
    plan: QueryPlan,
    seeds: ResolvedSeed[],
    pool: Candidate[],
    result: ReturnType<typeof rerank>,
  ): SeedReport[] {
    const index = plan.index;
    const counts = seeds.map(() => ({ pool: 0, eligible: 0, answer: 0 }));
    const picked = new Set(result.picks.map((pick) => pick.slot));
    pool.forEach(({ slot }, position) => {
      const owners = new Set<number>();
      if (plan.pointCount > 0) owners.add(plan.seedOfPoint(plan.nearest(slot).point));
      const genres = index.genresOf(slot);
      seeds.forEach((seed, s) => {
        if (seed.input.type === 'genre' && genres.some((genre) => seed.genres.has(genre)))
          owners.add(s);
      });
      for (const owner of owners) {
        counts[owner].pool++;
        if (!result.capped.has(position)) counts[owner].eligible++;
        if (picked.has(slot)) counts[owner].answer++;
      }
    });
    return seeds.map(({ input, known }, s) => ({
      id: input.id,
      type: input.type,
      href: hrefOf(index, input, known),
      initialPoolSize: counts[s].pool,
      afterFilteringSize: counts[s].eligible,
      afterRelinkingSize: counts[s].answer,
    }));
  }

  private explain(
    plan: QueryPlan,
    request: RecommendationRequest,
    seeds: ResolvedSeed[],
    pick: ReturnType<typeof rerank>['picks'][number],
  ): RecommendationReason {
    const { parts, point, cost } = plan.parts(pick.slot);
    const listed = [...parts]
      .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
      .slice(0, CONTRIBUTIONS_LISTED)
      .map((part: ScorePart): { factor: string; value: number } => ({
        factor: part.factor,
        value: round(part.value),
      }));
    if (parts.length > CONTRIBUTIONS_LISTED) {
      const rest =
        parts.reduce((sum, part) => sum + part.value, 0) -
        listed.reduce((sum, part) => sum + part.value, 0);
      listed.push({ factor: 'other', value: round(rest) });
    }
    // The score as the sum of what is listed, so that the rounded parts add up to it.
    const score = round(listed.reduce((sum, part) => sum + part.value, 0));
    const seed = point >= 0 ? seeds[plan.seedOfPoint(point)].input : undefined;
    const track = plan.index.record(pick.slot);
    const targets_met = INDEX_COLUMNS.flatMap((column, c) => {
      const target = request.targets[column];
      if (target === undefined || !(plan.standardisedGap(pick.slot, c, target) <= TARGET_MET_SD))
        return [];
      const value = column === 'popularity' ? track.popularity : track.features[column];
      return [{ feature: column, target, value: value! }];
    });
    return {
      score,
      closest_seed: seed
        ? {
            id: seed.id,
            type: seed.type,
            distance: round(Math.sqrt(cost)),
            similarity: round(Math.exp(-cost)),
          }
        : null,
      contributions: listed,
      targets_met,
      diversity_penalty: round(pick.penalty),
      similar_to: pick.similarTo >= 0 ? plan.index.idOf(pick.similarTo) : null,
    };
  }
}

function valuesOf(index: CatalogIndex, slot: number): Float64Array {
  return Float64Array.from(
    index.columns().values.subarray(slot * COLUMN_COUNT, (slot + 1) * COLUMN_COUNT),
  );
}

function hrefOf(index: CatalogIndex, seed: SeedInput, known: boolean): string | null {
  if (!known) return null;
  if (seed.type === 'track') {
    const linkable = index.slotOf(seed.id) !== undefined || SPOTIFY_ID.test(seed.id);
    return linkable ? `${SPOTIFY_API}/tracks/${seed.id}` : null;
  }
  if (seed.type === 'artist') {
    const artist = index
      .findArtists(seed.id)
      .map((a) => index.artist(a))
      .find((a) => a.id !== null);
    return artist ? `${SPOTIFY_API}/artists/${artist.id}` : null;
  }
  return null;
}

function round(value: number): number {
  const factor = 10 ** DECIMALS;
  return Math.round(value * factor) / factor;
}
