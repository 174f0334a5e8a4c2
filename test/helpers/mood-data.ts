import type request from 'supertest';
import { TEST_ADMIN_KEY } from './create-test-app';
import { readSharedJson } from './shared-data';

type Row = Record<string, unknown>;

/** The header admin calls need in tests. */
export const ADMIN = { 'X-API-Key': TEST_ADMIN_KEY };

/** The shared labelled dataset (../shared/data/playlist_metrics.json). */
export const moodDataset = readSharedJson<Row[]>('playlist_metrics.json');

/** 40 tracks of each of three moods: trains in a moment. */
export const smallDataset = (): Row[] =>
  ['Calm', 'Energy', 'Sad'].flatMap((mood) =>
    moodDataset.filter((row) => row.tag === mood && row.id).slice(0, 40),
  );

export const finished = (run: Row) => run.status === 'succeeded' || run.status === 'failed';

/** Polls a run until `until` holds (bounded by the test timeout, not by an assertion on time). */
export async function pollRun(
  http: () => ReturnType<typeof request>,
  id: string,
  until: (run: Row) => boolean = finished,
): Promise<Row> {
  for (;;) {
    const response = await http().get(`/api/v1/mood/runs/${id}`).expect(200);
    if (until(response.body as Row)) return response.body as Row;
    await new Promise((done) => setTimeout(done, 25));
  }
}
