/**
 * What each signal adds to the service's second stage (`npm run eval:recommendations -- --signals`):
 * the weights learnt again on the tuning half without one signal's features (as `npm run
 * train:ranking` learns them), then the held-out half scored on the engine's own pools, paired with
 * the full model over the same playlists. The first stage's pool is the service's, unchanged, so
 * this is what each signal adds to the reranking. Also the first stage alone, for what the second
 * stage adds as a whole.
 */
import type { RankingFeature } from '../../../src/recommendations/learnt-ranking';
import { formatInterval, type Interval, meanInterval, pairedInterval } from '../intervals';
import {
  type Case,
  hitRate,
  LIMIT,
  playlistIds,
  redrawn,
  TRAINING_DRAW_SEED,
  TRAINING_DRAWS,
} from '../protocol';
import type { Sample } from '../tidytuesday';
import { answer, fit, serviceQueries } from './train-service-ranking';

/** The service's signals, each with the features that carry it. */
export const SERVICE_SIGNALS: Readonly<Record<string, readonly RankingFeature[]>> = {
  'same artist': ['same_artist', 'artist_seeds'],
  'release year': ['year_closeness', 'year_typical'],
  popularity: ['popularity_gap', 'popularity'],
  "artist profile (its tracks' mean sound and popularity)": [
    'artist_closeness',
    'artist_popularity_gap',
  ],
  'audio features (the seeds’ common style)': ['style_fit'],
  'same album': ['same_album'],
  'track names (another version of a seed)': ['same_name'],
  'artist genres': ['artist_genres'],
};

export interface SignalRow {
  without: string;
  capped: Interval;
  uncapped: Interval;
  differenceCapped: Interval;
  differenceUncapped: Interval;
  dropped: RankingFeature[];
}

export function runServiceAblation(sample: Sample, tuning: Case[], heldOut: Case[]): SignalRow[] {
  const hidden = playlistIds(heldOut);
  const training = serviceQueries(
    sample,
    redrawn(tuning, TRAINING_DRAWS, TRAINING_DRAW_SEED),
    hidden,
  );
  const scored = serviceQueries(sample, heldOut, hidden);
  const hits = (weights: Record<RankingFeature, number>, cap: number) =>
    scored.map((q) => hitRate(q.item, answer(q, weights, cap)));
  const full = fit(training);
  const fullCapped = hits(full.weights, 2);
  const fullUncapped = hits(full.weights, LIMIT);
  const rows: SignalRow[] = [
    {
      without: '(every signal)',
      capped: meanInterval(fullCapped),
      uncapped: meanInterval(fullUncapped),
      differenceCapped: pairedInterval(fullCapped, fullCapped),
      differenceUncapped: pairedInterval(fullUncapped, fullUncapped),
      dropped: full.dropped,
    },
  ];
  for (const [signal, features] of Object.entries(SERVICE_SIGNALS)) {
    const model = fit(training, features);
    const capped = hits(model.weights, 2);
    const uncapped = hits(model.weights, LIMIT);
    rows.push({
      without: signal,
      capped: meanInterval(capped),
      uncapped: meanInterval(uncapped),
      differenceCapped: pairedInterval(capped, fullCapped),
      differenceUncapped: pairedInterval(uncapped, fullUncapped),
      dropped: model.dropped,
    });
  }
  console.log(
    "\nWhat each signal adds to the service's second stage (relearnt on the tuning half without it; held-out half, paired):",
  );
  console.log('| without | hit@20, cap 2 | difference | hit@20, uncapped | difference |');
  console.log('|---|---|---|---|---|');
  for (const row of rows)
    console.log(
      `| ${row.without} | ${formatInterval(row.capped)} | ${formatInterval(row.differenceCapped, true)} | ${formatInterval(row.uncapped)} | ${formatInterval(row.differenceUncapped, true)} |` +
        (row.dropped.length > 0 ? ` dropped by the sign rule: ${row.dropped.join(', ')}` : ''),
    );
  return rows;
}
