import { HealthIndicatorService } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEnvironment } from '../config';
import { healthConfig } from './health.config';
import { StorageHealthIndicator } from './storage.health';

/** The storage part of /health, on a real folder: its free space against DATA_DIR_MIN_FREE. */
describe('StorageHealthIndicator', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'storage-health-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function check(settings: Record<string, string>) {
    const moduleRef = await Test.createTestingModule({
      providers: [
        StorageHealthIndicator,
        HealthIndicatorService,
        {
          provide: healthConfig.KEY,
          useValue: healthConfig(validateEnvironment({ DATA_DIR: dataDir, ...settings })),
        },
      ],
    }).compile();
    return (await moduleRef.get(StorageHealthIndicator).check()).storage;
  }

  it('is up with the free and total bytes of the disk while more than DATA_DIR_MIN_FREE is free', async () => {
    const disk = await statfs(dataDir);
    expect(await check({ DATA_DIR_MIN_FREE: '1b' })).toEqual({
      status: 'up',
      data_dir: dataDir,
      free_bytes: expect.any(Number),
      total_bytes: disk.blocks * disk.bsize,
    });
  });

  it('is down, saying so, when less than DATA_DIR_MIN_FREE is free', async () => {
    const disk = await statfs(dataDir);
    const moreThanTheDisk = `${Math.ceil((disk.blocks * disk.bsize) / 1024 ** 3) + 1}gb`;
    expect(await check({ DATA_DIR_MIN_FREE: moreThanTheDisk })).toEqual(
      expect.objectContaining({
        status: 'down',
        message: expect.stringMatching(/under DATA_DIR_MIN_FREE .*cannot be written/),
      }),
    );
  });

  it('is down when DATA_DIR cannot be read', async () => {
    expect(await check({ DATA_DIR: join(dataDir, 'missing') })).toEqual(
      expect.objectContaining({ status: 'down', message: expect.stringMatching(/ENOENT/) }),
    );
  });
});
