/**
 * pandas `DataFrame.to_json()` of the rows: `{ column: { rowLabel: value } }`. Null-prototype
 * objects, so a `__proto__` column becomes an own key rather than reaching Object.prototype of this
 * process (the app under test runs in it).
 */
export function toPandasColumns(
  rows: readonly Record<string, unknown>[],
): Record<string, Record<string, unknown>> {
  const columns: Record<string, Record<string, unknown>> = Object.create(null);
  rows.forEach((row, index) => {
    for (const [key, value] of Object.entries(row)) {
      (columns[key] ??= Object.create(null) as Record<string, unknown>)[String(index)] = value;
    }
  });
  return columns;
}
