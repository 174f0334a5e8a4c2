/**
 * npm run eval:mood [-- --quick] [-- --out=path.json]
 *
 * Leave-one-playlist-out over every playlist of the shared mood dataset: each playlist is scored
 * by models that never saw it, nor any copy of its tracks. Everything the mood model chooses
 * (inputs, epochs, calibration temperature, set correlation) is chosen inside the training
 * playlists by the very training run the service deploys (MoodEngine.train, its own grouped
 * cross-validation), so the held-out playlist never influences a choice. In the same run, on the
 * same folds: the original network and two simple baselines. Prints a markdown table and writes
 * JSON. A benchmark, not a test: it never fails on a number.
 *   --quick   the first playlist of each mood only (8 of 27 folds), for a fast look
 *   --model-only   skip the original network and the baselines
 *   --params='{"labelSmoothing":0.2}'   override hyper-parameters (to try a variant; the README
 *                  records which variants were tried)
 */
import { Logger } from '@nestjs/common';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseTracksBody } from '../src/common/tracks';
import { type LabelledRow, leaveOneGroupOut } from '../src/mood/mood-dataset-split';
import { round, seededRandom } from '../src/common/numeric';
import { loadEnvironment } from '../src/config';
import { LABELLED_TRACKS, toLabelledRows } from '../src/mood/labelled-dataset';
import { MoodEngine } from '../src/mood/mood-engine';
import {
  evaluateSplit,
  type MoodSplitMetrics,
  type SetCalibration,
} from '../src/mood/mood-evaluation';
import { moodConfig } from '../src/mood/mood.config';
import { sharedDataPath } from '../test/helpers/shared-data';
import { BASELINES, type Baseline } from './mood-baselines';

const ROOT = resolve(__dirname, '..');
const DATASET = sharedDataPath('playlist_metrics.json');

interface ModelResult {
  name: string;
  description: string;
  /** Held-out probabilities of every scored row, in `rows` order of the scored set. */
  probabilities: number[][];
  setCalibration: Map<string, SetCalibration>;
  seconds: number;
  choices: unknown[];
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const quick = process.argv.includes('--quick');
  const out =
    process.argv.find((a) => a.startsWith('--out='))?.slice(6) ??
    resolve(ROOT, 'bench', 'results', quick ? 'eval-mood-quick.json' : 'eval-mood.json');
  const parsed = parseTracksBody(JSON.parse(readFileSync(DATASET, 'utf8')), LABELLED_TRACKS);
  // The mood model exactly as a run trains and deploys it, with the service's settings.
  const overrides = process.argv.find((a) => a.startsWith('--params='))?.slice(9);
  const params = {
    ...moodConfig(loadEnvironment()).hyperParameters,
    ...(overrides ? (JSON.parse(overrides) as object) : {}),
  };
  const { rows, labels } = toLabelledRows(parsed, params);
  const groups = rows.map((row) => row.playlist ?? '');
  const allFolds = leaveOneGroupOut(rows, groups);
  // Quick: the first playlist of each mood (8 folds), so that every mood is scored once.
  const firstOfMood = new Set(
    labels.map((_, label) => allFolds.findIndex((fold) => rows[fold.test[0]].label === label)),
  );
  const folds = quick ? allFolds.filter((_, f) => firstOfMood.has(f)) : allFolds;
  const scored = folds.flatMap((fold) => fold.test);
  console.log(
    `${rows.length} rows, ${labels.length} moods, ${new Set(groups).size} playlists; scoring ${folds.length} held-out playlists (${scored.length} tracks)`,
  );

  const engine = new MoodEngine();
  const backend = await engine.useBackend('wasm');
  const results: ModelResult[] = [];

  const model: ModelResult = {
    name: 'mood model (this service)',
    description: `MoodEngine.train with the service's hyper-parameters: ${JSON.stringify(params)}`,
    probabilities: [],
    setCalibration: new Map(),
    seconds: 0,
    choices: [],
  };
  for (const [f, fold] of folds.entries()) {
    const started = Date.now();
    const trainRows = fold.train.map((i) => rows[i]);
    const trained = await engine.train(trainRows, labels, params);
    const loaded = await engine.load(trained.artifact);
    const testTracks = fold.test.map((i) => parsed.tracks[i]);
    model.probabilities.push(...loaded.predict(testTracks));
    loaded.dispose();
    model.setCalibration.set(groups[fold.test[0]], trained.metrics.model.set_calibration);
    model.seconds += (Date.now() - started) / 1000;
    model.choices.push({
      playlist: groups[fold.test[0]],
      mood: labels[rows[fold.test[0]].label],
      ...trained.metrics.model,
      inner_cv_accuracy: trained.metrics.accuracy,
    });
    const m = trained.metrics.model;
    console.log(
      `fold ${f + 1}/${folds.length} ${groups[fold.test[0]]} (${labels[rows[fold.test[0]].label]}): ${m.candidate}, ${m.epochs} epochs, T ${m.temperature}, rho ${m.set_calibration.correlation}, eps ${m.set_calibration.shrinkage}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  results.push(model);

  const baselines = process.argv.includes('--model-only') ? [] : BASELINES;
  for (const baseline of baselines) results.push(await runBaseline(baseline, rows, folds, labels));

  const truth = scored.map((i) => rows[i].label);
  const scoredGroups = scored.map((i) => groups[i]);
  const metrics = results.map((result) => ({
    name: result.name,
    description: result.description,
    seconds: round(result.seconds),
    metrics: evaluateSplit(result.probabilities, truth, labels, scoredGroups, {
      setCalibration: result.setCalibration,
      seed: 7,
    }),
    interval95: playlistBootstrap(result, truth, scoredGroups),
    choices: result.choices,
  }));
  const table = markdownTable(metrics, labels);
  console.log(`\n${table}`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        quick,
        backend,
        machine: { cpus: cpus().length, model: cpus()[0]?.model },
        dataset: {
          rows: rows.length,
          playlists: new Set(groups).size,
          scored_playlists: folds.length,
        },
        models: metrics,
        table,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${out}`);
}

async function runBaseline(
  baseline: Baseline,
  rows: LabelledRow[],
  folds: ReturnType<typeof leaveOneGroupOut>,
  labels: string[],
): Promise<ModelResult> {
  const started = Date.now();
  const probabilities: number[][] = [];
  const choices: unknown[] = [];
  for (const fold of folds) {
    const fitted = await baseline.fit(
      fold.train.map((i) => rows[i]),
      labels.length,
    );
    probabilities.push(...fitted.predict(fold.test.map((i) => rows[i].inputs)));
    if (fitted.choice !== undefined) choices.push(fitted.choice);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`${baseline.name}: ${seconds.toFixed(1)} s`);
  return {
    name: baseline.name,
    description: baseline.description,
    probabilities,
    setCalibration: new Map(),
    seconds,
    choices,
  };
}

/**
 * 95 % intervals of per-track and 10-track listener accuracy from resampling whole playlists (the
 * unit the protocol generalises over), 2,000 times.
 */
function playlistBootstrap(
  result: ModelResult,
  truth: number[],
  groups: string[],
): { accuracy: [number, number]; listener_accuracy_10: [number, number] } {
  const byPlaylist = new Map<string, number[]>();
  groups.forEach((group, i) => byPlaylist.set(group, [...(byPlaylist.get(group) ?? []), i]));
  const playlists = [...byPlaylist.values()].map((members) => {
    const m = evaluateSplit(
      members.map((i) => result.probabilities[i]),
      members.map((i) => truth[i]),
      result.probabilities[0].map((_, j) => String(j)),
      members.map((i) => groups[i]),
      { setCalibration: result.setCalibration, seed: 7 },
    );
    return {
      tracks: members.length,
      correct: m.accuracy * members.length,
      sets: m.listener_sets,
      setsCorrect: (m.listener_accuracy_10 ?? 0) * m.listener_sets,
    };
  });
  const random = seededRandom(99);
  const accuracy: number[] = [];
  const listener: number[] = [];
  for (let b = 0; b < 2000; b++) {
    let tracks = 0;
    let correct = 0;
    let sets = 0;
    let setsCorrect = 0;
    for (let k = 0; k < playlists.length; k++) {
      const p = playlists[Math.floor(random() * playlists.length)];
      tracks += p.tracks;
      correct += p.correct;
      sets += p.sets;
      setsCorrect += p.setsCorrect;
    }
    accuracy.push(correct / tracks);
    listener.push(sets ? setsCorrect / sets : 0);
  }
  const interval = (values: number[]): [number, number] => {
    values.sort((a, b) => a - b);
    return [round(values[50]), round(values[1949])];
  };
  return { accuracy: interval(accuracy), listener_accuracy_10: interval(listener) };
}

const pct = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)} %`);
const range = ([low, high]: [number, number]) =>
  `${(low * 100).toFixed(0)}–${(high * 100).toFixed(0)}`;

function markdownTable(
  models: Array<{
    name: string;
    seconds: number;
    metrics: MoodSplitMetrics;
    interval95: ReturnType<typeof playlistBootstrap>;
  }>,
  labels: string[],
): string {
  const lines = [
    '| model | per track (95 % CI) | top-2 | 10-track listener (95 % CI) | 10-track, majority vote | macro-F1 | ECE (mean confidence) | listener ECE (mean confidence) | time |',
    '|---|---|---|---|---|---|---|---|---|',
    ...models.map(
      ({ name, seconds, metrics: m, interval95: ci }) =>
        `| ${name} | ${pct(m.accuracy)} (${range(ci.accuracy)}) | ${pct(m.top2_accuracy)} | ${pct(m.listener_accuracy_10)} (${range(ci.listener_accuracy_10)}) | ${pct(m.listener_accuracy_10_majority_vote)} | ${m.macro_f1.toFixed(3)} | ${m.ece.toFixed(3)} (${pct(m.mean_confidence)}) | ${m.listener_ece_10?.toFixed(3) ?? '–'} (${pct(m.listener_confidence_10)}) | ${seconds.toFixed(0)} s |`,
    ),
    '',
    `| recall per mood | ${labels.join(' | ')} |`,
    `|---|${labels.map(() => '---').join('|')}|`,
    ...models.map(
      ({ name, metrics: m }) =>
        `| ${name} | ${labels.map((label) => pct(m.per_mood[label].recall)).join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
