import { Injectable, Logger } from '@nestjs/common';

/**
 * What changed in the catalog: tracks added or updated, tracks removed, or more than is worth
 * listing (a large import, an import by another process), after which a reader reloads everything.
 */
export type CatalogChange =
  | { type: 'upserted'; ids: string[] }
  | { type: 'removed'; ids: string[] }
  | { type: 'reset'; reason: string };

/** `local`: this process changed the catalog; `remote`: another instance did, and said so. */
export type CatalogChangeOrigin = 'local' | 'remote';

export type CatalogChangeListener = (change: CatalogChange, origin: CatalogChangeOrigin) => void;

/**
 * Change notices of this process's catalog, published after the change is committed (an import,
 * a harvest batch, a delete, another process's import found by CatalogImportWatcher, or another
 * instance's change relayed by CatalogChangesRelay). The in-memory index subscribes to stay in step
 * with the database.
 */
@Injectable()
export class CatalogChanges {
  private readonly logger = new Logger(CatalogChanges.name);
  private readonly listeners = new Set<CatalogChangeListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: CatalogChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A listener that throws is logged; it never fails the change that was already committed. */
  publish(change: CatalogChange, origin: CatalogChangeOrigin = 'local'): void {
    if (change.type !== 'reset' && change.ids.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(change, origin);
      } catch (error) {
        this.logger.error(`A catalog change listener failed: ${(error as Error).message}`);
      }
    }
  }
}
