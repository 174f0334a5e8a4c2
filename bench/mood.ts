/**
 * npm run bench:mood [-- --runs=3] [-- --backend=wasm]
 *
 * Mood speed: a default training run in the worker thread, as the service starts it (grouped
 * cross-validation and the final fit), and predict for 10 tracks in process, idle and while a
 * training run works in its worker. A benchmark, not a test: it never fails on a number.
 */
import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseTracksBody } from '../src/common/tracks';
import { loadEnvironment } from '../src/config';
import { LABELLED_TRACKS, toLabelledRows } from '../src/mood/labelled-dataset';
import { MoodEngine, type TfBackendPreference } from '../src/mood/mood-engine';
import { MoodTrainer } from '../src/mood/mood-trainer';
import { moodConfig } from '../src/mood/mood.config';
import { sharedDataPath } from '../test/helpers/shared-data';

const option = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const runs = Number(option('runs', '3'));
  const backend = option('backend', 'wasm') as TfBackendPreference;
  const path = sharedDataPath('playlist_metrics.json');
  const parsed = parseTracksBody(JSON.parse(readFileSync(path, 'utf8')), LABELLED_TRACKS);
  const params = moodConfig(loadEnvironment()).hyperParameters;
  const { rows, labels } = toLabelledRows(parsed, params);
  console.log(
    `${rows.length} rows, ${labels.length} moods, backend ${backend}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  const trainer = new MoodTrainer();
  let artifact;
  for (let i = 0; i < runs; i++) {
    const started = Date.now();
    const { trained } = await trainer.train({ rows, labels, params, backend }, () => undefined);
    console.log(
      `default training in the worker: ${Date.now() - started} ms (${trained.epochsRun} epochs in the deployed fit; accuracy ${trained.metrics.accuracy})`,
    );
    artifact = trained.artifact;
  }
  if (!artifact) throw new Error('no training run produced an artifact');

  const engine = new MoodEngine();
  await engine.useBackend(backend);
  const model = await engine.load(artifact);
  const measure = async (n: number): Promise<string> => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const offset = (i * 10) % (parsed.tracks.length - 10);
      const started = process.hrtime.bigint();
      model.predict(parsed.tracks.slice(offset, offset + 10));
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    times.sort((a, b) => a - b);
    const q = (f: number) => times[Math.floor(f * (times.length - 1))].toFixed(2);
    return `p50 ${q(0.5)} ms, p99 ${q(0.99)} ms (n=${n})`;
  };
  await measure(200); // warm-up
  console.log(`predict 10 tracks, idle: ${await measure(2000)}`);
  const training = trainer.train({ rows, labels, params, backend }, () => undefined);
  console.log(`predict 10 tracks, during training: ${await measure(1000)}`);
  await training;
  model.dispose();
  await trainer.stopAll();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
