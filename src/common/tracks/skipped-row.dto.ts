import type { SkippedRow } from './audio-features';

/** A row of the request the service did not use, and why (the `skipped` list of every answer). */
export class SkippedRowDto implements SkippedRow {
  /** Position of the row in the request. @example 3 */
  row!: number;
  /** @example "7rzvcyHkSU7v9rwM2z0cIF" */
  id?: string;
  /** @example "no audio features (Spotify: analysis not found)" */
  reason!: string;
}
