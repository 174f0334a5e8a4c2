import type { CatalogImportOrigin, CatalogImportStatus } from '../catalog-import.entity';

export class SkippedLineDto {
  /** 1-based line of the file (a CSV header is line 1; for a JSON document, the track's position). @example 7 */
  line!: number;
  /** @example "energy 1.7 is out of range (0 to 1)" */
  reason!: string;
}

export class CatalogImportProgressDto {
  /** `reading` the file, `merging` it into the catalog, or `done`. @example "reading" */
  phase!: 'reading' | 'merging' | 'done';
  /** @example 52428800 */
  bytes_read!: number;
  /** The file's size where known (for a share and an ETA). @example 240592392 */
  bytes_total!: number | null;
  /** @example 212000 */
  rows_read!: number;
  /** @example 61000 */
  rows_per_second!: number;
}

export class CatalogImportResponseDto {
  /** @example "0b7c1c7e-4f4c-4d4b-9f77-3f3c2b1a0d9e" */
  id!: string;
  /** queued → running → succeeded | failed @example "succeeded" */
  status!: CatalogImportStatus;
  /** `api`, `cli`, or `starter` (the starter catalog of a first start) @example "cli" */
  origin!: CatalogImportOrigin;
  /** Recognised from the file's first line, or named with `format`. @example "tidytuesday" */
  format!: string | null;
  /** The label given with the import. @example "spotify_songs.csv" */
  source!: string;
  /** sha256 of the file's bytes after any gzip decoding. */
  sha256!: string | null;
  /** @example 5514364 */
  bytes_read!: number;
  /** Data rows read (a CSV header is not one). @example 22802 */
  rows_read!: number;
  /** @example 20579 */
  tracks_added!: number;
  /** @example 0 */
  tracks_updated!: number;
  /** Tracks the file has that the catalog already held exactly so. @example 0 */
  tracks_unchanged!: number;
  /** @example 0 */
  rows_skipped!: number;
  /** The first 100 skipped rows, with their lines. */
  skipped!: SkippedLineDto[];
  /** While running: how far it is; afterwards, where it ended. */
  progress!: CatalogImportProgressDto | null;
  /** Why a failed import failed. */
  error!: string | null;
  /** The error's code (UNKNOWN_FORMAT, TOO_MANY_BAD_ROWS, PAYLOAD_TOO_LARGE, IMPORT_INTERRUPTED, …). */
  error_code!: string | null;
  created_at!: string;
  started_at!: string | null;
  finished_at!: string | null;
  /** @example 1840 */
  duration_ms!: number | null;
}

export class CatalogImportListResponseDto {
  imports!: CatalogImportResponseDto[];
  total!: number;
  limit!: number;
  offset!: number;
}
