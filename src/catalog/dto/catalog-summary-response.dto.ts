import { CatalogImportResponseDto } from './catalog-import-response.dto';

export class NamedCountDto {
  /** @example "pop" */
  name!: string;
  /** @example 5132 */
  tracks!: number;
}

export class CatalogSummaryResponseDto {
  /** @example 20579 */
  tracks!: number;
  /** Distinct artists (by Spotify id where known, else by name). @example 10692 */
  artists!: number;
  /** Every genre with its number of tracks, most tracks first. */
  genres!: NamedCountDto[];
  /**
   * Per audio feature, the share of tracks that have it (0–1).
   * @example {"danceability": 1, "energy": 1, "key": 1, "time_signature": 0}
   */
  feature_coverage!: Record<string, number>;
  /** Source labels (of the import that first added a track, or `harvest`) with their tracks. */
  sources!: NamedCountDto[];
  /** The newest import that succeeded. */
  last_import!: CatalogImportResponseDto | null;
}
