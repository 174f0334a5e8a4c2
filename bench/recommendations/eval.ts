/**
 * npm run eval:recommendations — playlist continuation, honestly: the held-out half of the
 * TidyTuesday sample's playlists (protocol.ts), each scored on a catalog that does not know it (its
 * genre labels and its membership removed; a track keeps only the genres of the other playlists it
 * is in). Per playlist: 5 seed tracks, 20 recommendations, hit@20 = the share in the playlist.
 *
 * Rows, all in one run, each at the service's default artist cap (max_per_artist 2) and uncapped
 * (max_per_artist 20): the baselines (baselines.ts), the service's engine as GET and POST
 * /recommendations run it (engine-adapter.ts: the exact pool, then the second stage learnt by `npm
 * run train:ranking`), the same engine with its first stage alone, the research ranker of ranking/
 * (`npm run train:ranking:research`), and, for continuity with earlier reports, the service on the
 * leaked catalog (every playlist's labels in it), labelled as such.
 * Intervals: 95 % percentile bootstrap over the held-out playlists (intervals.ts); the ratio to
 * centroid-cosine is bootstrapped on the same resampled playlists.
 *
 * `-- --signals` adds what each signal adds to the service's second stage (ranking/service-ablation.ts:
 * relearnt on the tuning half without it; about a minute). `-- --ablation` adds the research ranker's ablation (ranking/ablation.ts: each signal removed in turn, the ranker
 * relearnt on the tuning half; several minutes); `-- --negatives` the two-round test of negative
 * seeds (ranking/negative-seeds.ts). Writes bench/results/recommendations-eval-<date>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sharedDataPath } from '../../test/helpers/shared-data';
import { baselines } from './baselines';
import { catalogIndex, DEFAULT_MAX_PER_ARTIST, engineRecommender } from './engine-adapter';
import {
  formatInterval,
  formatRatio,
  type Interval,
  meanInterval,
  RESAMPLES,
  ratioInterval,
} from './intervals';
import {
  evaluationCases,
  hitRate,
  LIMIT,
  MIN_PLAYLIST,
  playlistIds,
  recordsWithout,
  SEEDS,
  SPLIT_SEED,
} from './protocol';
import { runAblation, type AblationRow } from './ranking/ablation';
import { CatalogSignals } from './ranking/catalog-signals';
import { type NegativeSeedsResult, runNegativeSeeds } from './ranking/negative-seeds';
import { readModel, sourcesFor } from './ranking/ranking-model';
import { runServiceAblation, type SignalRow } from './ranking/service-ablation';
import { answer, pooledCases } from './ranking/training';
import { pickCapped } from './ranking/two-stage';
import { loadTidyTuesday } from './tidytuesday';

const ROOT = resolve(__dirname, '..', '..');
const SAMPLE = 'spotify_songs_dev.csv';
const CAPS = { capped: DEFAULT_MAX_PER_ARTIST, uncapped: LIMIT } as const;
const TWO_STAGE = 'research two-stage ranker (bench only; playlist signals, title words)';
const SERVICE =
  "the service's engine (GET/POST /recommendations): exact pool + learnt second stage";
const CENTROID = 'centroid-cosine';

interface Row {
  name: string;
  leaked: boolean;
  /** Per held-out playlist, in case order. */
  capped: number[];
  uncapped: number[];
}

function main(): void {
  const started = Date.now();
  const withAblation = process.argv.includes('--ablation');
  const withNegatives = process.argv.includes('--negatives');
  const withSignals = process.argv.includes('--signals');
  const sample = loadTidyTuesday(sharedDataPath(SAMPLE));
  const { tuning, heldOut } = evaluationCases(sample.playlists);
  const hidden = playlistIds(heldOut);
  const signals = new CatalogSignals(sample, hidden);
  const model = readModel();
  const rows: Row[] = [];
  const row = (name: string, leaked = false): Row => {
    const created: Row = { name, leaked, capped: [], uncapped: [] };
    rows.push(created);
    return created;
  };

  const rankings = baselines(signals);
  const baselineRows = Object.keys(rankings).map((name) => row(name));
  const pooled = pooledCases(
    signals,
    heldOut,
    model.closenessWeights,
    false,
    sourcesFor(model.firstStage, LIMIT),
    (item, catalog) =>
      Object.values(rankings).forEach((ranking, r) => {
        const ranked = ranking(item, catalog);
        for (const [cap, maxPerArtist] of Object.entries(CAPS)) {
          const ids = pickCapped(signals, ranked, LIMIT, maxPerArtist).map((s) => signals.ids[s]);
          baselineRows[r][cap as keyof typeof CAPS].push(hitRate(item, ids));
        }
      }),
  );
  const score = (target: Row, recommend: (i: number, maxPerArtist: number) => string[]) =>
    heldOut.forEach((item, i) => {
      for (const [cap, maxPerArtist] of Object.entries(CAPS))
        target[cap as keyof typeof CAPS].push(hitRate(item, recommend(i, maxPerArtist)));
    });
  const honestIndex = catalogIndex(recordsWithout(sample, hidden));
  const honestEngine = engineRecommender(honestIndex);
  score(row(SERVICE), (i, cap) => honestEngine(heldOut[i].seeds, cap));
  const firstStage = engineRecommender(honestIndex, undefined, null);
  score(row('the service, first stage only (before the learnt ranking)'), (i, cap) =>
    firstStage(heldOut[i].seeds, cap),
  );
  score(row(TWO_STAGE), (i, cap) => answer(signals, pooled[i], model.weights, cap));
  const leakedEngine = engineRecommender(catalogIndex(sample.records));
  score(row("the service, LEAKED catalog (every playlist's labels in it)", true), (i, cap) =>
    leakedEngine(heldOut[i].seeds, cap),
  );

  const centroid = rows.find((r) => r.name === CENTROID)!;
  const summary = rows.map((r) => ({
    name: r.name,
    leaked: r.leaked,
    capped: meanInterval(r.capped),
    uncapped: meanInterval(r.uncapped),
    timesCentroidCapped: ratioInterval(r.capped, centroid.capped),
    timesCentroidUncapped: ratioInterval(r.uncapped, centroid.uncapped),
  }));
  console.log(
    `${heldOut.length} held-out playlists (≥ ${MIN_PLAYLIST} tracks, split seed ${SPLIT_SEED}; ${tuning.length} more for tuning), ${SEEDS} seed tracks → ${LIMIT}; ` +
      `catalog ${signals.size} tracks without the held-out playlists' labels and membership. 95 % intervals: bootstrap over playlists.`,
  );
  console.log(
    `| recommender | hit@20, max_per_artist ${CAPS.capped} | hit@20, uncapped | × centroid-cosine (capped / uncapped) |`,
  );
  console.log('|---|---|---|---|');
  for (const s of summary) {
    console.log(
      `| ${s.name} | ${formatInterval(s.capped)} | ${formatInterval(s.uncapped)} | ${formatRatio(s.timesCentroidCapped)} / ${formatRatio(s.timesCentroidUncapped)} |`,
    );
  }
  const service = summary.find((s) => s.name === SERVICE)!;
  console.log(
    goals(
      service.capped,
      service.uncapped,
      service.timesCentroidCapped,
      service.timesCentroidUncapped,
    ),
  );

  let signalAblation: SignalRow[] | undefined;
  if (withSignals) signalAblation = runServiceAblation(sample, tuning, heldOut);
  let ablation: AblationRow[] | undefined;
  if (withAblation) ablation = runAblation(signals, tuning, heldOut, model);
  let negativeSeeds: NegativeSeedsResult | undefined;
  if (withNegatives) negativeSeeds = runNegativeSeeds(signals, tuning, heldOut, model);

  const results = join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  const file = join(results, `recommendations-eval-${new Date().toISOString().slice(0, 10)}.json`);
  const report = {
    command: ['npm run eval:recommendations', ...process.argv.slice(2)]
      .join(' ')
      .replace(' --', ' -- --'),
    protocol: {
      sample: SAMPLE,
      splitSeed: SPLIT_SEED,
      minPlaylist: MIN_PLAYLIST,
      seeds: SEEDS,
      limit: LIMIT,
      heldOutPlaylists: heldOut.length,
      tuningPlaylists: tuning.length,
      catalog: 'held-out playlists hidden: their genre labels and membership removed',
      interval: `95 % percentile bootstrap over playlists, ${RESAMPLES} resamples`,
    },
    model: { provenance: model.provenance, crossValidation: model.crossValidation },
    rows: summary,
    serviceSignals: signalAblation,
    ablation,
    negativeSeeds,
    perPlaylist: {
      playlists: heldOut.map((item) => item.playlist.id),
      rows: rows.map((r) => ({ name: r.name, capped: r.capped, uncapped: r.uncapped })),
    },
    seconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`Results: ${file} (${report.seconds} s)`);
}

function goals(
  capped: Interval,
  uncapped: Interval,
  ratioCapped: Interval,
  ratioUncapped: Interval,
): string {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    `Goals (the service's engine, default settings, held-out): default ≥ 15 %: ${met(capped.mean >= 0.15)} (${formatInterval(capped)});`,
    `uncapped ≥ 25 %: ${met(uncapped.mean >= 0.25)} (${formatInterval(uncapped)});`,
    `each ≥ 5× centroid-cosine: ${met(ratioCapped.mean >= 5 && ratioUncapped.mean >= 5)} (${formatRatio(ratioCapped)} / ${formatRatio(ratioUncapped)}).`,
  ].join(' ');
}

if (require.main === module) main();
