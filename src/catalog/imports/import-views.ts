import type { CatalogImport } from '../catalog-import.entity';
import type { CatalogImportResponseDto } from '../dto/catalog-import-response.dto';
import type { LiveImport } from './live-import';

/** An import as the API shows it; while `live` runs it, with the counts read so far. */
export function toImportView(row: CatalogImport, live?: LiveImport): CatalogImportResponseDto {
  const counts = live ? { ...row, ...live.counts() } : row;
  return {
    id: row.id,
    status: row.status,
    origin: row.origin,
    format: counts.format ?? null,
    source: row.source,
    sha256: counts.sha256 ?? null,
    bytes_read: Number(counts.bytesRead),
    rows_read: counts.rowsRead ?? 0,
    tracks_added: row.tracksAdded,
    tracks_updated: row.tracksUpdated,
    tracks_unchanged: row.tracksUnchanged,
    rows_skipped: counts.rowsSkipped ?? 0,
    skipped: counts.skipped ?? [],
    progress: counts.progress ?? null,
    error: row.error,
    error_code: row.errorCode,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
    duration_ms: row.durationMs,
  };
}
