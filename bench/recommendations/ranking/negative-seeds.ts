/**
 * Do negative seeds (tracks the listener skipped) help? A two-round test that needs no skip data:
 *   round 1  the ranker answers a case's seeds (default artist cap); the listener "skips" the
 *            answers that are not in the playlist: those become the negative seeds;
 *   round 2  the ranker answers again, the round-1 answers excluded, with the negative seeds (the
 *            learnt weights plus −w × negative_closeness − v × negative_artist) and without them;
 *            hit@20 of round 2 is compared on the same playlists.
 * The skips are exactly what a listener would skip, so the test is fair; it only ever uses the
 * playlist to decide what a listener skips, as a listener would. (w, v) is chosen on the tuning
 * half (each playlist hidden for its own query) over a small grid, then scored on the held-out half.
 */
import { formatInterval, type Interval, meanInterval, pairedInterval } from '../intervals';
import { type Case, hitRate, LIMIT } from '../protocol';
import type { CatalogSignals } from './catalog-signals';
import { type RankingModel, sourcesFor } from './ranking-model';
import { queryFeatures } from './training';
import {
  type CandidatePool,
  candidatePool,
  type LinearWeights,
  pickCapped,
  rankPool,
  scoreCatalog,
  weightVector,
} from './two-stage';

const CAP = 2;
const CLOSENESS_GRID = [0, 0.5, 1, 2, 4];
const ARTIST_GRID = [0, 1, 2, 4, 8];

export interface NegativeSeedsResult {
  weights: { negative_closeness: number; negative_artist: number };
  tuning: { without: number; with: number };
  withoutNegatives: Interval;
  withNegatives: Interval;
  difference: Interval;
}

interface SecondRound {
  item: Case;
  pool: CandidatePool;
}

export function runNegativeSeeds(
  signals: CatalogSignals,
  tuning: readonly Case[],
  heldOut: readonly Case[],
  model: RankingModel,
): NegativeSeedsResult {
  const sources = sourcesFor(model.firstStage, LIMIT);
  const learnt = weightVector(model.weights);
  const secondRounds = (cases: readonly Case[], hideOwnPlaylist: boolean): SecondRound[] =>
    cases.map((item) => {
      const first = scoreCatalog(
        queryFeatures(signals, item, model.closenessWeights, hideOwnPlaylist),
      );
      const shown = pickCapped(
        signals,
        rankPool(candidatePool(signals, first, sources), learnt),
        LIMIT,
        CAP,
      );
      const skipped = shown.map((slot) => signals.ids[slot]).filter((id) => !item.members.has(id));
      const features = queryFeatures(
        signals,
        item,
        model.closenessWeights,
        hideOwnPlaylist,
        skipped,
      );
      const second = scoreCatalog(features, new Set(shown));
      return { item, pool: candidatePool(signals, second, sources) };
    });
  const hits = (rounds: SecondRound[], weights: LinearWeights) => {
    const vector = weightVector(weights);
    return rounds.map(({ item, pool }) =>
      hitRate(
        item,
        pickCapped(signals, rankPool(pool, vector), LIMIT, CAP).map((s) => signals.ids[s]),
      ),
    );
  };
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

  console.log('Negative seeds: two rounds over the tuning half, then the held-out half…');
  const tuningRounds = secondRounds(tuning, true);
  let best = { negative_closeness: 0, negative_artist: 0 };
  let bestHits = -1;
  for (const closeness of CLOSENESS_GRID) {
    for (const artist of ARTIST_GRID) {
      const score = mean(
        hits(tuningRounds, {
          ...model.weights,
          negative_closeness: -closeness,
          negative_artist: -artist,
        }),
      );
      if (score > bestHits) {
        bestHits = score;
        best = { negative_closeness: closeness, negative_artist: artist };
      }
    }
  }
  const tuningWithout = mean(hits(tuningRounds, model.weights));
  const heldOutRounds = secondRounds(heldOut, false);
  const without = hits(heldOutRounds, model.weights);
  const withNegatives = hits(heldOutRounds, {
    ...model.weights,
    negative_closeness: -best.negative_closeness,
    negative_artist: -best.negative_artist,
  });
  const result: NegativeSeedsResult = {
    weights: best,
    tuning: { without: tuningWithout, with: bestHits },
    withoutNegatives: meanInterval(without),
    withNegatives: meanInterval(withNegatives),
    difference: pairedInterval(withNegatives, without),
  };
  console.log(
    `Negative seeds (round 2, max_per_artist ${CAP}, held-out): without ${formatInterval(result.withoutNegatives)}, ` +
      `with ${formatInterval(result.withNegatives)}, difference ${formatInterval(result.difference, true)}; ` +
      `weights chosen on the tuning half: −${best.negative_closeness} × negative_closeness − ${best.negative_artist} × negative_artist ` +
      `(tuning ${(100 * tuningWithout).toFixed(1)} % → ${(100 * bestHits).toFixed(1)} %)`,
  );
  return result;
}
