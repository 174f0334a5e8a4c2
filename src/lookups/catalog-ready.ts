import type { CatalogIndex } from '../catalog-index/catalog-index';
import type { CatalogIndexRef } from '../catalog-index/catalog-index-ref';
import { CatalogLoadingError } from '../recommendations/recommendations.errors';

/**
 * The index the lookups read; 503 CATALOG_LOADING while it is still being loaded after a start, as
 * recommendations answer (an empty catalog answers: nothing is known).
 */
export function loadedIndex(ref: CatalogIndexRef): CatalogIndex {
  if (!ref.loaded) throw new CatalogLoadingError();
  return ref.current;
}
