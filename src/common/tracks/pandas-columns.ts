import { ValidationFailedError } from '../errors';
import { AUDIO_FEATURES } from './audio-features';
import { KNOWN_FIELDS } from './feature-fields';

/** One row of a body before it is read: its label (array index or pandas row label) and value. */
export interface RawRow {
  label: string;
  value: unknown;
}

/** True when an object has at least one audio-feature column: how a pandas body is told apart. */
export function hasFeatureColumns(columns: Record<string, unknown>): boolean {
  return AUDIO_FEATURES.some((feature) => Object.prototype.hasOwnProperty.call(columns, feature));
}

/**
 * pandas `DataFrame.to_json()` (orient="columns"): `{ column: { rowLabel: value } }`, as rows in
 * label order (numeric labels numerically). Only the known columns are read.
 */
export function columnsToRows(columns: Record<string, unknown>): RawRow[] {
  const labels: string[] = [];
  const seen = new Set<string>();
  const rowsByLabel = new Map<string, Record<string, unknown>>();
  for (const name of Object.keys(columns)) {
    if (!(KNOWN_FIELDS as readonly string[]).includes(name)) continue;
    const column = columns[name];
    if (typeof column !== 'object' || column === null || Array.isArray(column)) {
      throw ValidationFailedError.field(
        name,
        'must be an object of row label → value (pandas column-oriented JSON)',
      );
    }
    for (const [label, value] of Object.entries(column as Record<string, unknown>)) {
      if (!seen.has(label)) {
        seen.add(label);
        labels.push(label);
        rowsByLabel.set(label, {});
      }
      rowsByLabel.get(label)![name] = value;
    }
  }
  if (labels.every((label) => /^\d+$/.test(label))) {
    labels.sort((a, b) => Number(a) - Number(b));
  }
  return labels.map((label) => ({ label, value: rowsByLabel.get(label) }));
}
