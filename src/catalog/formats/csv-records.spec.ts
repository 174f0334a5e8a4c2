import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { CsvReader, CsvSyntaxError } from './csv-records';

/** Reads `text` in pieces of the given sizes (the rest in one), as chunks of a stream arrive. */
function readInPieces(
  text: string,
  sizes: number[] = [],
): { records: string[][]; lines: number[] } {
  const bytes = Buffer.from(text);
  const reader = new CsvReader();
  const records: string[][] = [];
  const lines: number[] = [];
  const take = () => {
    for (let record = reader.next(); record; record = reader.next()) {
      records.push(record);
      lines.push(reader.line);
    }
  };
  let at = 0;
  for (const size of sizes) {
    reader.write(bytes.subarray(at, at + size));
    take();
    at += size;
  }
  reader.write(bytes.subarray(at));
  take();
  reader.end();
  take();
  return { records, lines };
}

/** What csv-parse made of it, with the options the import used to give it. */
function csvParse(text: string): string[][] {
  return parse(text, { relax_column_count: true, bom: true, skip_empty_lines: false });
}

/** The first line of each record as the import counted them: one, plus the line feeds in it. */
function countedLines(records: string[][]): number[] {
  let line = 1;
  return records.map((record) => {
    const start = line;
    line += 1 + record.join('').split('\n').length - 1;
    return start;
  });
}

describe('CsvReader', () => {
  it('reads quoted cells, doubled quotes, line breaks in cells, a BOM and blank lines', () => {
    const text = '\uFEFFid,name\n1,"a ""b"", c\nd"\n\n2,plain\n';
    expect(readInPieces(text, [3, 5, 1, 1, 7])).toEqual({
      records: [['id', 'name'], ['1', 'a "b", c\nd'], [''], ['2', 'plain']],
      lines: [1, 2, 4, 5],
    });
  });

  it('takes the record delimiter from the first line ending: \\r\\n split across chunks', () => {
    expect(readInPieces('a,b\r\n1,2\r\n3,4', [4, 6]).records).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it.each([
    ['a quote that never closes', 'a,b\n1,2\n"3,4\n', /Quote Not Closed.*line 3/, 3],
    ['a quote inside an unquoted cell', 'a,b\n1,2"x\n', /Invalid Opening Quote.*line 2/, 2],
    ['text after a closing quote', 'a,b\n1,"2"x\n', /Invalid Closing Quote.*line 2/, 2],
  ])('refuses %s, naming the line', (_what, text, message, line) => {
    const error = (() => {
      try {
        readInPieces(text, [5]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).message).toMatch(message);
    expect((error as CsvSyntaxError).line).toBe(line);
  });

  it('reads any text as csv-parse did, in any chunking, or refuses what csv-parse refused', () => {
    const piece = fc.constantFrom(
      'a',
      'bc',
      ',',
      '"',
      '""',
      '\n',
      '\r',
      '\r\n',
      ' ',
      'é',
      '\uFEFF',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join('')),
        fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 10 }),
        (text, sizes) => {
          let expected: string[][] | undefined;
          try {
            expected = csvParse(text);
          } catch {
            expected = undefined;
          }
          if (expected === undefined) {
            expect(() => readInPieces(text, sizes)).toThrow(CsvSyntaxError);
          } else {
            const read = readInPieces(text, sizes);
            expect(read.records).toEqual(expected);
            expect(read.lines).toEqual(countedLines(expected));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
