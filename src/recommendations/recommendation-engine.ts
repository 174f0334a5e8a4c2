import type { CatalogIndex } from '../catalog-index/catalog-index';
import type { TrackView } from '../catalog/catalog-track';
import { explain, type RecommendationReason } from './explanations';
import { type LearntRanking, StageTwoScorer } from './learnt-ranking';
import { LEARNT_RANKING } from './learnt-ranking-weights';
import { type Candidate, type PoolLimits, type PoolSearch, treeSearch } from './pool-search';
import { compilePlan, type QueryPlan, type ResolvedSeed } from './query-plan';
import type { RecommendationRequest, SeedInput, SeedType } from './recommendation-request';
import { DEFAULT_WEIGHTS, type RecommendationWeights } from './recommendation-weights';
import { rerank } from './rerank';

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

export type RecommendedTrack = TrackView & { reason?: RecommendationReason };

export interface RecommendationResult {
  tracks: RecommendedTrack[];
  seeds: SeedReport[];
  /** Seeds the catalog does not know (no track, artist or genre of that id or name). */
  unknownSeeds: SeedInput[];
}

const SPOTIFY_API = 'https://api.spotify.com/v1';
const SPOTIFY_ID = /^[0-9A-Za-z]{22}$/;
/** The candidate pool holds at most this many times `max_per_artist` tracks of one artist. */
const POOL_PER_ARTIST_CAP = 2;

/**
 * Recommendations from a catalog index, in two stages: compiles the request (compilePlan), draws
 * the candidate pool with a pool search (the exact tree search by default: the best tracks by the
 * scoring's terms), scores the pool again with the learnt ranking (learnt-ranking.ts; where the
 * request has seed tracks and a ranking is given), reranks it for variety under the artist cap,
 * and explains each pick. Same index and request, same answer.
 */
export class RecommendationEngine {
  constructor(
    readonly weights: Readonly<RecommendationWeights> = DEFAULT_WEIGHTS,
    private readonly search: PoolSearch = treeSearch,
    readonly ranking: Readonly<LearntRanking> | null = LEARNT_RANKING,
  ) {}

  recommend(index: CatalogIndex, request: RecommendationRequest): RecommendationResult {
    const { plan, seeds: resolved, stageTwo } = this.compile(index, request);

    // The pool keeps at most twice the artist cap of any (first-credited) artist, so that a few
    // prolific artists near the seeds cannot fill it. Tracks with several artists may still leave
    // the answer short under the cap: then the pool grows until the answer is full or the catalog
    // has no more candidates. Both pool searches grow it alike, so they still agree.
    const poolFactor = stageTwo ? stageTwo.ranking.poolFactor : this.weights.poolFactor;
    const limits: PoolLimits = {
      size: Math.max(request.limit, Math.ceil(request.limit * poolFactor)),
      perArtist: POOL_PER_ARTIST_CAP * request.maxPerArtist,
    };
    let pool: Candidate[];
    let ranked: Candidate[];
    let result: ReturnType<typeof rerank>;
    for (;;) {
      pool = this.search(plan, limits);
      ranked = stageTwo ? rescored(pool, stageTwo) : pool;
      result = rerank(
        plan,
        index,
        ranked,
        request.limit,
        request.maxPerArtist,
        stageTwo ? stageTwo.ranking.diversity : this.weights.diversity,
      );
      if (result.picks.length >= request.limit || pool.length < limits.size) break;
      limits.size *= 4;
    }

    const tracks = result.picks.map((pick): RecommendedTrack => {
      const view: RecommendedTrack = index.trackView(pick.slot);
      if (request.explain) view.reason = explain(plan, request, resolved, pick, stageTwo);
      return view;
    });
    return {
      tracks,
      seeds: this.seedReports(plan, resolved, ranked, result),
      unknownSeeds: resolved.filter((seed) => !seed.known).map((seed) => seed.input),
    };
  }

  /**
   * The first stage's pool for the second stage, as `recommend` draws it (without the growth an
   * artist-capped answer may need), and the second stage's scorer computing every feature: what
   * `npm run train:ranking` learns from. Undefined where the second stage does not apply.
   */
  stageTwoPool(
    index: CatalogIndex,
    request: RecommendationRequest,
  ): { pool: Candidate[]; scorer: StageTwoScorer } | undefined {
    const { plan, stageTwo: scorer } = this.compile(index, request, true);
    if (!scorer) return undefined;
    const pool = this.search(plan, {
      size: Math.max(request.limit, Math.ceil(request.limit * scorer.ranking.poolFactor)),
      perArtist: POOL_PER_ARTIST_CAP * request.maxPerArtist,
    });
    return { pool, scorer };
  }

  /**
   * The request's plan, with the second stage's scorer where it applies (seed tracks to compare
   * with). Then the first stage draws its pool with the ranking's pool weights; without a second
   * stage, with the engine's own.
   */
  private compile(
    index: CatalogIndex,
    request: RecommendationRequest,
    everyFeature = false,
  ): { plan: QueryPlan; seeds: ResolvedSeed[]; stageTwo?: StageTwoScorer } {
    if (this.ranking) {
      const weights = { ...this.weights, ...this.ranking.poolWeights };
      const { plan, seeds } = compilePlan(index, request, weights);
      const slots = seeds.flatMap((seed) => seed.slots);
      if (slots.length > 0) {
        const stageTwo = new StageTwoScorer(plan, slots, this.ranking, everyFeature);
        return { plan, seeds, stageTwo };
      }
    }
    return compilePlan(index, request, this.weights);
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
      if (plan.terms.pointCount > 0) owners.add(plan.seedOfPoint(plan.terms.nearest(slot).point));
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
}

/**
 * The pool by the second stage's score, best first; equal scores keep the first stage's order
 * (its score, then the smaller id), so the answer stays deterministic.
 */
function rescored(pool: Candidate[], stageTwo: StageTwoScorer): Candidate[] {
  return pool
    .map((candidate, position) => ({
      candidate: { ...candidate, score: stageTwo.score(candidate.slot) },
      position,
    }))
    .sort((a, b) => b.candidate.score - a.candidate.score || a.position - b.position)
    .map(({ candidate }) => candidate);
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
