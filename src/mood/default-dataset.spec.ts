import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Of } from '../common/downloads/checked-download';
import { DefaultDataset } from './default-dataset';
import type { MoodConfig } from './mood.config';

describe('DefaultDataset', () => {
  const body = JSON.stringify([{ tag: 'Calm' }]);
  let dir: string;
  let fetchMock: jest.SpyInstance;
  const dataset = (overrides: Partial<MoodConfig> = {}) =>
    new DefaultDataset({
      datasetPath: join(dir, 'playlist_metrics.json'),
      datasetUrl: 'https://example.test/playlist_metrics.json',
      datasetSha256: sha256Of(body),
      ...overrides,
    } as MoodConfig);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mood-dataset-'));
    fetchMock = jest
      .spyOn(globalThis, 'fetch')
      .mockImplementation(() => Promise.resolve(new Response(body)));
  });
  afterEach(() => {
    fetchMock.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads once, checks the sha256, caches the file and reuses it', async () => {
    const source = dataset();
    const [first, second] = await Promise.all([source.read(), source.read()]);
    expect(first.body).toEqual([{ tag: 'Calm' }]);
    expect(second.body).toEqual(first.body);
    await source.read();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(readFileSync(join(dir, 'playlist_metrics.json'), 'utf8')).toBe(body);
  });

  it('refuses a download whose sha256 differs, and caches nothing', async () => {
    const source = dataset({ datasetSha256: '0'.repeat(64) });
    await expect(source.read()).rejects.toMatchObject({ code: 'DATASET_CHECKSUM_MISMATCH' });
    expect(existsSync(join(dir, 'playlist_metrics.json'))).toBe(false);
  });

  it('never downloads when the URL setting is empty', async () => {
    await expect(dataset({ datasetUrl: '' }).read()).rejects.toMatchObject({
      code: 'DATASET_UNAVAILABLE',
    });
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
