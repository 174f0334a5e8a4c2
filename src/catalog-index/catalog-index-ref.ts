import { Injectable } from '@nestjs/common';
import { CatalogIndex } from './catalog-index';

/**
 * The catalog index every request reads. It starts empty and not loaded; whoever loads the catalog
 * (at start-up, after a rebuild) swaps a whole index in, so a request sees either the old index or
 * the new one, never a half-built one. Change notices are applied to `current` in place.
 */
@Injectable()
export class CatalogIndexRef {
  private index = CatalogIndex.fromRecords([]);
  private isLoaded = false;

  get current(): CatalogIndex {
    return this.index;
  }

  /** False until the first index is swapped in (the catalog is still loading). */
  get loaded(): boolean {
    return this.isLoaded;
  }

  swap(index: CatalogIndex): void {
    this.index = index;
    this.isLoaded = true;
  }
}
