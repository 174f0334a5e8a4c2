import { COLUMN_COUNT, INDEX_COLUMNS, type IndexColumn } from '../catalog-index/catalog-index';
import type { StageTwoScorer } from './learnt-ranking';
import type { QueryPlan, ResolvedSeed } from './query-plan';
import type { RecommendationRequest, SeedType } from './recommendation-request';
import type { Pick } from './rerank';
import type { ScoringTerms } from './scoring-terms';

export interface RecommendationReason {
  /** The track's score: its contributions add up to it. */
  score: number;
  /** The seed it is closest to, the root mean (weighted) squared standardised difference, and exp(−cost). */
  closest_seed: { id: string; type: SeedType; distance: number; similarity: number } | null;
  /**
   * The largest parts of the score, signed, then `other` for the rest: they add up to `score`. With
   * seed tracks the score is the learnt ranking's (learnt-ranking.ts: its features by name, then
   * mood, targets and negative_seed); without, the scoring's (per column, then the bonuses).
   */
  contributions: { factor: string; value: number }[];
  /** Targets the track meets: within half a standard deviation of the catalog. */
  targets_met: { feature: IndexColumn; target: number; value: number }[];
  /**
   * The negative seed it is nearest to where it paid for the nearness (its `negative_seed`
   * contribution): that seed's id, the distance as `closest_seed`'s, and the penalty.
   */
  negative_seed: { id: string; distance: number; penalty: number } | null;
  /** What variety cost it in the rerank, and the track already picked that it resembles. */
  diversity_penalty: number;
  similar_to: string | null;
}

/** One part of a score: a column's closeness and target terms, a bonus, or a learnt part. */
interface ScorePart {
  factor: string;
  value: number;
}

const CONTRIBUTIONS_LISTED = 5;
const TARGET_MET_SD = 0.5;
const DECIMALS = 4;

/** Why a track was picked (explain=true): its closest seed, its score's largest parts, targets met. */
export function explain(
  plan: QueryPlan,
  request: RecommendationRequest,
  seeds: ResolvedSeed[],
  pick: Pick,
  stageTwo?: StageTwoScorer,
): RecommendationReason {
  const firstStage = scoreParts(plan.terms, pick.slot);
  const { point, cost } = firstStage;
  const parts: ScorePart[] = stageTwo ? stageTwo.parts(pick.slot) : firstStage.parts;
  const listed = [...parts]
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .slice(0, CONTRIBUTIONS_LISTED)
    .map((part): { factor: string; value: number } => ({
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
    if (
      target === undefined ||
      !(standardisedGap(plan.terms, pick.slot, c, target) <= TARGET_MET_SD)
    )
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
    negative_seed: negativeSeed(plan.terms, pick.slot),
    diversity_penalty: round(pick.penalty),
    similar_to: pick.similarTo >= 0 ? plan.index.idOf(pick.similarTo) : null,
  };
}

/**
 * The parts of the track's score, adding up to it: per column (closeness to the nearest point and
 * target terms), then bonuses; with that point and its closeness cost.
 */
function scoreParts(
  terms: ScoringTerms,
  slot: number,
): { parts: ScorePart[]; point: number; cost: number } {
  const byColumn = new Float64Array(COLUMN_COUNT);
  const nearest = terms.nearest(slot);
  if (nearest.point >= 0) {
    terms.columns.forEach((c, k) => {
      byColumn[c] -= terms.nearestWeight * terms.closenessTerm(slot, nearest.point, k);
    });
  }
  terms.targetColumns.forEach((c, t) => {
    byColumn[c] -= terms.targetScale * terms.targetTerm(slot, t);
  });
  const parts: ScorePart[] = INDEX_COLUMNS.map((factor, c) => ({
    factor,
    value: byColumn[c],
  })).filter((part) => part.value !== 0);
  const bonuses: ScorePart[] = [
    { factor: 'same_artist', value: terms.artistBonus * terms.sharesArtist(slot) },
    { factor: 'same_album', value: terms.albumBonus * terms.sharesAlbum(slot) },
    { factor: 'genre', value: terms.genreBonus * terms.genreShare(slot) },
    { factor: 'mood', value: terms.moodBonus * terms.moodProbability(slot) },
    { factor: 'popularity', value: terms.popularityBonus * terms.popularityShare(slot) },
  ];
  parts.push(...bonuses.filter((part) => part.value !== 0));
  const penalty = terms.negativePenalty(slot);
  if (penalty !== 0) parts.push({ factor: 'negative_seed', value: -penalty });
  return { parts, point: nearest.point, cost: nearest.cost };
}

/** The negative seed the track paid for being near, or null where it paid nothing. */
function negativeSeed(terms: ScoringTerms, slot: number): RecommendationReason['negative_seed'] {
  const penalty = terms.negativePenalty(slot);
  if (penalty === 0) return null;
  const { cost, negative } = terms.nearestNegative(slot);
  return {
    id: terms.negativeIds[negative],
    distance: round(Math.sqrt(cost)),
    penalty: round(penalty),
  };
}

/** Standardised difference |z(track) − z(value)| of one column; NaN when the track lacks it. */
function standardisedGap(terms: ScoringTerms, slot: number, column: number, value: number): number {
  const v = terms.values[slot * COLUMN_COUNT + column];
  return Math.abs(v - value) * Math.sqrt(terms.inverseVariance[column]);
}

function round(value: number): number {
  const factor = 10 ** DECIMALS;
  return Math.round(value * factor) / factor;
}
