import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError, ServiceUnavailableError } from '../common/errors';
import { type MoodConfig, moodConfig } from './mood.config';

export interface DatasetFile {
  /** The file's JSON, for TracksBodyPipe's parser. */
  body: unknown;
  path: string;
}

export const sha256Of = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/**
 * The default labelled dataset: read from MOOD_DATASET_PATH; where absent, downloaded once from
 * MOOD_DATASET_URL, checked against MOOD_DATASET_SHA256 and cached at that path (as scikit-learn's
 * and torchvision's dataset fetchers do). A file already on disk is the operator's and is used as is.
 */
@Injectable()
export class DefaultDataset {
  private readonly logger = new Logger(DefaultDataset.name);
  private download?: Promise<void>;

  constructor(@Inject(moodConfig.KEY) private readonly config: MoodConfig) {}

  isOnDisk(): boolean {
    return existsSync(this.config.datasetPath);
  }

  async read(): Promise<DatasetFile> {
    if (!this.isOnDisk()) {
      this.download ??= this.fetchOnce().finally(() => (this.download = undefined));
      await this.download;
    }
    const bytes = await readFile(this.config.datasetPath);
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new AppError(
        500,
        'DATASET_INVALID',
        `The default mood dataset at ${this.config.datasetPath} is not valid JSON`,
      );
    }
    return { body, path: this.config.datasetPath };
  }

  private async fetchOnce(): Promise<void> {
    const { datasetUrl: url, datasetPath: path, datasetSha256: expected } = this.config;
    if (!url) {
      throw new ServiceUnavailableError(
        `The default mood dataset is not at ${path} and MOOD_DATASET_URL is empty`,
        'DATASET_UNAVAILABLE',
      );
    }
    this.logger.log(`Downloading the default mood dataset from ${url}`);
    let bytes: Uint8Array;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new ServiceUnavailableError(
        `The default mood dataset could not be downloaded from ${url}: ${(error as Error).message}`,
        'DATASET_UNAVAILABLE',
      );
    }
    const actual = sha256Of(bytes);
    if (actual !== expected) {
      throw new ServiceUnavailableError(
        `The downloaded mood dataset has sha256 ${actual}, expected ${expected}; not cached`,
        'DATASET_CHECKSUM_MISMATCH',
      );
    }
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.download`;
    await writeFile(temporary, bytes);
    await rename(temporary, path);
    this.logger.log(`Cached the default mood dataset at ${path} (sha256 ${actual})`);
  }
}
