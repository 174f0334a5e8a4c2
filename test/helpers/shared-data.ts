import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The real sample data every test and benchmark reads: `../shared/data` beside the repository (a
 * checkout sits next to `shared/`, e.g. /work/<checkout> and /work/shared). Never copied in.
 */
export const SHARED_DATA_DIR = resolve(__dirname, '..', '..', '..', 'shared', 'data');

export const sharedDataPath = (file: string): string => join(SHARED_DATA_DIR, file);

export const readSharedText = (file: string): string => readFileSync(sharedDataPath(file), 'utf8');

export const readSharedJson = <T = unknown>(file: string): T =>
  JSON.parse(readSharedText(file)) as T;
