import { Injectable } from '@nestjs/common';
import { CatalogIndexLoader, type CatalogIndexLoadStatus } from './catalog-index-loader';
import { CatalogMoodProgress, type CatalogMoodProgressView } from './catalog-mood-progress';

/**
 * What other modules may know of this instance's in-memory index besides the index itself: whether
 * it has loaded (/health) and how far its tracks' moods are (GET /catalog). The loader and the mood
 * scorer stay the index module's own.
 */
@Injectable()
export class CatalogIndexStatus {
  constructor(
    private readonly loader: CatalogIndexLoader,
    private readonly moodProgress: CatalogMoodProgress,
  ) {}

  load(): CatalogIndexLoadStatus {
    return this.loader.status();
  }

  moods(): CatalogMoodProgressView {
    return this.moodProgress.view;
  }
}
