/**
 * What each signal adds: the two-stage ranker relearnt on the tuning half (as `npm run
 * train:ranking:research` does) with one signal's features removed — from the second stage, and from the
 * first stage's sources too where it is one of their terms (a source left with no term goes) — and
 * scored on the held-out half, against the ranker with every signal, on the same playlists (paired
 * bootstrap intervals of the difference).
 */
import { formatInterval, type Interval, meanInterval, pairedInterval } from '../intervals';
import {
  type Case,
  hitRate,
  LIMIT,
  redrawn,
  TRAINING_DRAW_SEED,
  TRAINING_DRAWS,
} from '../protocol';
import type { CatalogSignals } from './catalog-signals';
import { fitRanker } from './fit-ranker';
import { type FeatureName, SIGNALS } from './ranking-features';
import { FIRST_STAGE, type RankingModel, type SourceSpec, sourcesFor } from './ranking-model';
import { TRAINED_FEATURES } from './train-ranking';
import { answer, labelled, type PooledCase, queryFeatures } from './training';
import { candidatePool, scoreCatalog } from './two-stage';

export interface AblationRow {
  signal: string;
  removed: FeatureName[];
  firstStageChanged: boolean;
  /** Playlist-derived features the sign rule dropped when relearning. */
  dropped: FeatureName[];
  capped: Interval;
  uncapped: Interval;
  /** This variant minus the ranker with every signal, same playlists. */
  differenceCapped: Interval;
  differenceUncapped: Interval;
}

interface Variant {
  signal: string;
  removed: readonly FeatureName[];
  stage: SourceSpec[];
}

export function runAblation(
  signals: CatalogSignals,
  tuning: readonly Case[],
  heldOut: readonly Case[],
  model: RankingModel,
): AblationRow[] {
  const variants: Variant[] = [
    { signal: 'every signal', removed: [], stage: [...FIRST_STAGE] },
    ...Object.entries(SIGNALS)
      .filter(([signal]) => signal !== 'negative seeds')
      .map(([signal, removed]) => ({ signal, removed, stage: stageWithout(removed) })),
  ];
  const stages = [...new Map(variants.map((v) => [JSON.stringify(v.stage), v.stage])).entries()];
  const poolsOf = (cases: readonly Case[], hideOwnPlaylist: boolean) => {
    const byStage = new Map<string, PooledCase[]>(stages.map(([key]) => [key, []]));
    for (const item of cases) {
      const features = queryFeatures(signals, item, model.closenessWeights, hideOwnPlaylist);
      const catalog = scoreCatalog(features);
      for (const [key, stage] of stages) {
        const pool = candidatePool(signals, catalog, sourcesFor(stage, LIMIT));
        byStage.get(key)!.push(labelled(signals, item, pool));
      }
    }
    return byStage;
  };
  console.log(
    `Ablation: pools for ${stages.length} first stages over the tuning and held-out halves…`,
  );
  const training = poolsOf(redrawn([...tuning], TRAINING_DRAWS, TRAINING_DRAW_SEED), true);
  const scored = poolsOf(heldOut, false);

  const results = variants.map((variant) => {
    const key = JSON.stringify(variant.stage);
    const fit = fitRanker(
      training.get(key)!,
      TRAINED_FEATURES.filter((name) => !variant.removed.includes(name)),
    );
    const hits = (maxPerArtist: number) =>
      scored.get(key)!.map((q) => hitRate(q.item, answer(signals, q, fit.weights, maxPerArtist)));
    return { variant, fit, capped: hits(2), uncapped: hits(LIMIT) };
  });
  const full = results[0];
  const rows = results.map(({ variant, fit, capped, uncapped }): AblationRow => ({
    signal: variant.signal,
    removed: [...variant.removed],
    firstStageChanged: JSON.stringify(variant.stage) !== JSON.stringify(FIRST_STAGE),
    dropped: fit.dropped,
    capped: meanInterval(capped),
    uncapped: meanInterval(uncapped),
    differenceCapped: pairedInterval(capped, full.capped),
    differenceUncapped: pairedInterval(uncapped, full.uncapped),
  }));
  console.log(
    '| without | hit@20, max_per_artist 2 | difference | hit@20, uncapped | difference | dropped by the sign rule |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) {
    const name = row.signal + (row.firstStageChanged ? ' (also from the first stage)' : '');
    console.log(
      `| ${row === rows[0] ? '(nothing: every signal)' : name} | ${formatInterval(row.capped)} | ${formatInterval(row.differenceCapped, true)} | ${formatInterval(row.uncapped)} | ${formatInterval(row.differenceUncapped, true)} | ${row.dropped.join(', ') || '–'} |`,
    );
  }
  return rows;
}

/**
 * The first stage with these features taken out of every source. A source left with nothing but
 * closeness (its tie-break) goes, and the first source takes over its share of the pool, so that
 * the pool keeps its size.
 */
function stageWithout(removed: readonly FeatureName[]): SourceSpec[] {
  const kept = FIRST_STAGE.map((source) => ({
    ...source,
    weights: Object.fromEntries(
      Object.entries(source.weights).filter(([name]) => !removed.includes(name as FeatureName)),
    ),
  }));
  const stage = kept.filter(
    (source, i) => i === 0 || Object.keys(source.weights).some((name) => name !== 'closeness'),
  );
  const lost =
    FIRST_STAGE.reduce((sum, s) => sum + s.perLimit, 0) -
    stage.reduce((sum, s) => sum + s.perLimit, 0);
  stage[0] = { ...stage[0], perLimit: stage[0].perLimit + lost };
  return stage;
}
