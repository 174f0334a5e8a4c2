import { Inject, Injectable, Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { downloadChecked, DownloadError } from '../common/downloads/checked-download';
import { AppError, ServiceUnavailableError } from '../common/errors';
import { type MoodConfig, moodConfig } from './mood.config';

export interface DatasetFile {
  /** The file's JSON, for parseTracksBody. */
  body: unknown;
  path: string;
}

/**
 * The default labelled dataset: read from MOOD_DATASET_PATH; where absent, downloaded once from
 * MOOD_DATASET_URL, checked against MOOD_DATASET_SHA256 and cached at that path (downloadChecked). A file already on disk is the operator's and is used as is.
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
    try {
      await downloadChecked({
        url,
        sha256: expected,
        to: path,
        what: 'the default mood dataset',
        timeoutMs: 60_000,
      });
    } catch (error) {
      if (!(error instanceof DownloadError)) throw error;
      throw new ServiceUnavailableError(
        error.message,
        error.reason === 'checksum' ? 'DATASET_CHECKSUM_MISMATCH' : 'DATASET_UNAVAILABLE',
      );
    }
    this.logger.log(`Cached the default mood dataset at ${path} (sha256 ${expected})`);
  }
}
