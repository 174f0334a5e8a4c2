import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import bytes from 'bytes';
import { statfs } from 'node:fs/promises';
import { type HealthConfig, healthConfig } from './health.config';

/**
 * The disk of DATA_DIR (`storage`), where the service writes trained models and, on the embedded
 * database, the SQLite file: its free and total bytes, down when less than DATA_DIR_MIN_FREE is
 * free. A full disk does not stop the calls served from memory, but every write fails (507
 * INSUFFICIENT_STORAGE), and an operator must hear of it.
 */
@Injectable()
export class StorageHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(healthConfig.KEY) private readonly config: HealthConfig,
  ) {}

  async check() {
    const indicator = this.indicators.check('storage');
    try {
      const disk = await statfs(this.config.dataDir);
      const free = disk.bavail * disk.bsize;
      const about = {
        data_dir: this.config.dataDir,
        free_bytes: free,
        total_bytes: disk.blocks * disk.bsize,
      };
      if (free >= this.config.minFreeBytes) return indicator.up(about);
      return indicator.down({
        ...about,
        message: `DATA_DIR has ${bytes(free)} free, under DATA_DIR_MIN_FREE (${bytes(this.config.minFreeBytes)}): models and imports cannot be written`,
      });
    } catch (error) {
      return indicator.down({ data_dir: this.config.dataDir, message: (error as Error).message });
    }
  }
}
