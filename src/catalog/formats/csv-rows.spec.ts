import { CsvError, parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { type CsvNewline, CsvQuotingError, CsvRows } from './csv-rows';

/** What the import read with csv-parse: its records, or the error it threw and at which line. */
function withCsvParse(text: string): { records: string[][] } | { error: string; line: number } {
  try {
    return {
      records: parse(text, { relax_column_count: true, bom: true, skip_empty_lines: false }),
    };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    return { error: error.code, line: (error as unknown as { lines: number }).lines };
  }
}

function withCsvRows(
  text: string,
  newline: CsvNewline,
  cuts: number[],
): { records: string[][]; lines: number[] } | { error: string; line: number } {
  const rows = new CsvRows(newline);
  const records: string[][] = [];
  const lines: number[] = [];
  const take = (group: { records: string[][]; lines: number[] }) => {
    records.push(...group.records);
    lines.push(...group.lines);
  };
  try {
    let from = 0;
    for (const cut of [...cuts.filter((at) => at < text.length)].sort((a, b) => a - b)) {
      take(rows.write(text.slice(from, cut)));
      from = cut;
    }
    take(rows.write(text.slice(from)));
    take(rows.end());
  } catch (error) {
    if (!(error instanceof CsvQuotingError)) throw error;
    return { error: error.message, line: error.line };
  }
  return { records, lines };
}

describe('CsvRows (papaparse) against csv-parse, the reader it replaced', () => {
  it('reads what csv-parse read and refuses what it refused, at the same line, in any chunks', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', ',', '"', '""', ' ', '\n', 'é', '"x"'), { maxLength: 40 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(
        text,
        fc.constantFrom<CsvNewline>('\n', '\r\n'),
        fc.array(fc.nat(60), { maxLength: 6 }),
        (lfText, newline, cuts) => {
          // A catalog file starts with its header, which has no quotes and names the line break.
          const source = `id,name\n${lfText}`.replaceAll('\n', newline);
          const expected = withCsvParse(source);
          const actual = withCsvRows(source, newline, cuts);
          if ('records' in expected) {
            expect(actual).toMatchObject({ records: expected.records });
            return;
          }
          expect(actual).toHaveProperty('error');
          // A quote that never closes is named where it opens, not where the file ends; and
          // csv-parse counted a CRLF inside a quoted field as two lines in its errors, and a lone CR
          // as one (not in the line numbers of skipped rows, which the import counted itself):
          // lines are counted by LF here, as for skipped rows.
          if (expected.error !== 'CSV_QUOTE_NOT_CLOSED' && newline === '\n') {
            expect((actual as { line: number }).line).toBe(expected.line);
          }
        },
      ),
      { numRuns: 10000 },
    );
  });
});
