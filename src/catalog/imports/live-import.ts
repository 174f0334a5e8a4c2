import type { CatalogImport, CatalogImportProgress } from '../catalog-import.entity';
import type { ReadState } from './import-run';

/**
 * An import this process runs: what reading it has found so far (updated in place as rows go by),
 * its phase, and the means to cancel it.
 */
export class LiveImport {
  readonly state: ReadState = {
    format: null,
    bytesRead: 0,
    rowsRead: 0,
    rowsSkipped: 0,
    skipped: [],
    sha256: null,
  };
  phase: CatalogImportProgress['phase'] = 'reading';
  readonly startedAt = Date.now();
  readonly controller = new AbortController();
  /** Settles when the import has ended (shutdown waits for it). */
  finished?: Promise<unknown>;

  constructor(
    readonly id: string,
    /** The file's size where known (CLI, Content-Length), for progress. */
    private readonly sizeHint: number | null,
  ) {}

  progress(): CatalogImportProgress {
    const { state } = this;
    const seconds = (Date.now() - this.startedAt) / 1000;
    return {
      phase: this.phase,
      bytes_read: state.bytesRead,
      bytes_total: this.sizeHint,
      rows_read: state.rowsRead,
      rows_per_second: seconds > 0 ? Math.round(state.rowsRead / seconds) : 0,
    };
  }

  /** What reading has found so far, as the import's columns. */
  counts(): Partial<CatalogImport> {
    const { state } = this;
    return {
      format: state.format,
      sha256: state.sha256,
      bytesRead: state.bytesRead,
      rowsRead: state.rowsRead,
      rowsSkipped: state.rowsSkipped,
      skipped: state.skipped,
      progress: this.progress(),
    };
  }
}
