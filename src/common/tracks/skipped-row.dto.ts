import type { ResolvedBy, ResolvedCounts } from '../listening/listening-row';
import type { SkippedRow } from './audio-features';

/** A row of the request the service did not use, and why (the `skipped` list of every answer). */
export class SkippedRowDto implements SkippedRow {
  /** Position of the row in the request. @example 3 */
  row!: number;
  /** Where the row sits in the body. @example "items[3].track" */
  path?: string;
  /** The row's track id (the catalog's, where it resolved to one). @example "7rzvcyHkSU7v9rwM2z0cIF" */
  id?: string;
  /** @example "not in the catalog" */
  reason!: string;
}

/**
 * How the request's track rows got their audio features (rows that are no track, such as podcast
 * episodes, are not counted; they are listed in `skipped`).
 */
export class ResolvedCountsDto implements ResolvedCounts {
  /** Rows that carried their own features (completed from the catalog where they lacked some). @example 0 */
  given!: number;
  /** Rows whose features the catalog gave for their track id. @example 41 */
  by_id!: number;
  /** Rows without an id whose features the catalog gave for their artist and title. @example 6 */
  by_name!: number;
  /** Rows the catalog could not resolve (listed in `skipped`). @example 2 */
  unresolved!: number;
}

/** How a row got its features (`features`: its own), for Swagger's enum of `resolved_by`. */
export const RESOLVED_BY: readonly ResolvedBy[] = ['features', 'id', 'name'];
