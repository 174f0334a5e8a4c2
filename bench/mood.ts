/**
 * Mood benchmark: default-dataset training time per TensorFlow.js backend, and predict latency for
 * 10 tracks, idle and while a training run works in its worker thread.
 *   npm run bench:mood [-- path/to/playlist_metrics.json]    (default: ../shared/data's)
 */
import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { sharedDataPath } from '../test/helpers/shared-data';
import { parseTracksBody, type Track } from '../src/common/tracks';
import { loadEnvironment } from '../src/config';
import { MoodEngine } from '../src/mood/mood-engine';
import { moodConfig } from '../src/mood/mood.config';
import { combineTrackProbabilities } from '../src/mood/mood-evaluation';
import { MoodTrainer } from '../src/mood/mood-trainer';
import { toLabelledRows } from '../src/mood/labelled-dataset';

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const path = process.argv[2] ?? sharedDataPath('playlist_metrics.json');
  const parsed = parseTracksBody(JSON.parse(readFileSync(path, 'utf8')), { labelled: true });
  const { rows, labels } = toLabelledRows(parsed);
  const params = moodConfig(loadEnvironment()).hyperParameters;
  console.log(
    `dataset ${path}: ${rows.length} rows, ${labels.length} moods; hyper-parameters`,
    params,
  );

  // Training in a worker per backend (as the service does), three runs each.
  const trainer = new MoodTrainer();
  let artifact;
  for (const backend of ['cpu', 'wasm'] as const) {
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const { trained } = await trainer.train({ rows, labels, params, backend }, () => undefined);
      const ms = Date.now() - started;
      const m = trained.metrics;
      console.log(
        `train ${backend}: ${ms} ms, ${trained.epochsRun} epochs; held-out playlists: track ${m.accuracy}, macro-F1 ${m.macro_f1}, 10-track listener ${m.listener_accuracy_10} (vote ${m.held_out_playlists?.listener_accuracy_10_majority_vote}); random split: track ${m.random_split.accuracy}`,
      );
      artifact = trained.artifact;
    }
  }

  if (!artifact) throw new Error('no training run produced an artifact');
  const trainedArtifact = artifact;
  for (const backend of ['cpu', 'wasm'] as const) {
    const engine = new MoodEngine();
    await engine.useBackend(backend);
    const model = await engine.load(trainedArtifact);
    const predict10 = (offset: number): void => {
      const tracks: Track[] = parsed.tracks.slice(offset, offset + 10);
      combineTrackProbabilities(model.predict(tracks));
    };
    const measure = async (n: number): Promise<string> => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = process.hrtime.bigint();
        predict10((i * 10) % (parsed.tracks.length - 10));
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (i % 20 === 0) await new Promise((r) => setImmediate(r));
      }
      times.sort((a, b) => a - b);
      const q = (f: number) => times[Math.floor(f * (times.length - 1))].toFixed(2);
      return `p50 ${q(0.5)} ms, p99 ${q(0.99)} ms (n=${n})`;
    };
    await measure(100); // warm-up
    console.log(`predict 10 tracks, ${backend}, idle: ${await measure(1000)}`);
    const training = trainer.train({ rows, labels, params, backend: 'wasm' }, () => undefined);
    console.log(`predict 10 tracks, ${backend}, during training: ${await measure(1000)}`);
    await training;
    model.dispose();
  }
  await trainer.stopAll();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
