import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import {
  CATALOG_FILES,
  pandasColumnsBody,
  SAMPLE_FACTS,
} from '../../../test/helpers/catalog-files';
import { sharedDataPath } from '../../../test/helpers/shared-data';
import type { CatalogTrackRecord } from '../catalog-track';
import {
  type CatalogFile,
  openCatalogFile,
  type OpenOptions,
  type RowOutcome,
} from './catalog-file';
import { UNFINISHED_ROW_LIMIT } from './csv-rows';

const OPTIONS: OpenOptions = { jsonLimit: 1 << 20 };

/** The bytes in chunks of a few bytes, so no reader may rely on a line arriving whole. */
function chunked(text: string, size = 7): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

/** The bytes cut at random places (seeded), so characters, line breaks and "" pairs are split too. */
function randomlyChunked(text: string, seed: number): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  let state = seed;
  for (let i = 0; i < bytes.length;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const size = 1 + (state % 13);
    chunks.push(bytes.subarray(i, i + size));
    i += size;
  }
  return Readable.from(chunks);
}

async function readAll(file: CatalogFile): Promise<RowOutcome[]> {
  const rows: RowOutcome[] = [];
  for await (const batch of file.batches) rows.push(...batch);
  return rows;
}

/** What an import keeps: one track per id, the later row's values, genres merged. */
function merge(rows: RowOutcome[]): Map<string, CatalogTrackRecord> {
  const tracks = new Map<string, CatalogTrackRecord>();
  for (const { track } of rows) {
    if (!track) continue;
    const earlier = tracks.get(track.id);
    const genres = [...new Set([...(earlier?.genres ?? []), ...track.genres])].sort();
    tracks.set(track.id, { ...track, genres });
  }
  return tracks;
}

describe('catalog file readers', () => {
  describe.each(Object.entries(CATALOG_FILES))('%s', (_name, file) => {
    it('is recognised from its first line and read row by row, bad rows by line', async () => {
      const opened = await openCatalogFile(chunked(file.body), {
        ...OPTIONS,
        contentType: file.contentType,
      });
      expect(opened.format).toBe(file.format);
      const rows = await readAll(opened);
      expect(rows).toHaveLength(file.rows);
      expect(rows.filter((row) => row.reason).map((row) => row.line)).toEqual(file.skippedLines);
      const tracks = merge(rows);
      expect(tracks.size).toBe(file.tracks);
      expect(tracks.get(file.check.id)).toMatchObject(file.check.expected);
    });

    it('is read the same when its format is named', async () => {
      const opened = await openCatalogFile(chunked(file.body), { ...OPTIONS, format: file.format });
      expect(merge(await readAll(opened)).size).toBe(file.tracks);
    });
  });

  it('names the reason of each bad row', async () => {
    const rows = await readAll(
      await openCatalogFile(chunked(CATALOG_FILES.tidytuesday.body), OPTIONS),
    );
    expect(rows.filter((row) => row.reason)).toEqual([
      { line: 5, reason: 'energy 1.7 is out of range (0 to 1)' },
      { line: 6, reason: 'has 4 columns, the header has 23' },
      { line: 7, reason: 'tempo "fast" is not a number' },
      { line: 10, reason: 'no track id' },
    ]);
  });

  it('reads NA as a missing value and a year-only release date', async () => {
    const rows = await readAll(
      await openCatalogFile(chunked(CATALOG_FILES.tidytuesday.body), OPTIONS),
    );
    const track = merge(rows).get('69gRFGOWY9OMpFJgFol1u0')!;
    expect(track).toMatchObject({
      name: null,
      artists: [],
      album: { name: null, release_date: '2012', year: 2012 },
    });
    expect(track.features.time_signature).toBeNull();
  });

  it('reads pandas column-oriented JSON', async () => {
    const opened = await openCatalogFile(chunked(pandasColumnsBody()), OPTIONS);
    expect(opened.format).toBe('json');
    const rows = await readAll(opened);
    expect(rows).toEqual([
      { line: 1, track: expect.objectContaining({ id: '4uLU6hMCjMI75M1A2tKUQC' }) },
    ]);
  });

  it('refuses a file of no known format, naming the formats it knows', async () => {
    const error = await openCatalogFile(chunked('a,b,c\n1,2,3\n'), OPTIONS).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ status: 400, code: 'UNKNOWN_FORMAT' });
    expect((error as Error).message).toMatch(
      /tidytuesday.*tracks-114k.*tracks-600k.*tracks-1\.2m.*spotify-features.*json.*ndjson/,
    );
  });

  it('refuses a CSV file whose quotes never close, naming the line', async () => {
    const [header, row] = CATALOG_FILES['tracks-600k'].body.split('\n');
    const opened = await openCatalogFile(
      chunked(`${header}\n${row}\n"7xPhfUan2yNtyFG0cUWkt8,unclosed\n`),
      OPTIONS,
    );
    const error = await readAll(opened).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_CSV' });
    expect((error as Error).message).toMatch(/at line \d+/);
  });

  it('refuses a file whose first line opens a quote that never closes with 400 INVALID_CSV', async () => {
    const error = await openCatalogFile(chunked('"'), OPTIONS).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_CSV' });
    expect((error as Error).message).toMatch(/at line 1/);
  });

  it('refuses a named format whose columns the header lacks', async () => {
    const error = await openCatalogFile(chunked(CATALOG_FILES['tracks-600k'].body), {
      ...OPTIONS,
      format: 'tidytuesday',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'UNKNOWN_FORMAT' });
    expect((error as Error).message).toMatch(/lacks track_id/);
  });

  it('reads the real TidyTuesday sample: 22,802 rows, 20,579 tracks, genres merged over playlists', async () => {
    const opened = await openCatalogFile(
      createReadStream(sharedDataPath('spotify_songs_dev.csv')),
      OPTIONS,
    );
    expect(opened.format).toBe('tidytuesday');
    const rows = await readAll(opened);
    expect(rows).toHaveLength(SAMPLE_FACTS.rows);
    expect(rows.filter((row) => row.reason)).toEqual([]);
    const tracks = merge(rows);
    expect(tracks.size).toBe(SAMPLE_FACTS.tracks);
    // "Tusa" sits in seven playlists of four genres.
    expect(tracks.get(SAMPLE_FACTS.tusa.id)).toMatchObject({
      name: 'Tusa',
      artists: [{ id: null, name: 'KAROL G' }],
      genres: SAMPLE_FACTS.tusa.genres,
    });
  });

  describe('CSV quoting and line numbers (papaparse, held to the contract csv-parse kept)', () => {
    const [header, plain, quoted] = CATALOG_FILES['tracks-1.2m'].body.split('\n');
    const withName = (row: string, id: string, name: string) =>
      row.replace('7lmeHLHBe4nmXzuXc0HDjk,Testify', `${id},${name}`);
    // Quoted names with line breaks, doubled quotes and characters of several bytes; blank lines;
    // a row short of columns; a row with a bad value.
    const lines = (newline: string) => [
      header, // line 1
      plain, // 2
      withName(plain, '0000000000000000000001', `"Two${newline}lines, ""quoted"""`), // 3-4
      '', // 5
      quoted, // 6
      withName(plain, '0000000000000000000002', `"Café ñ 日本 🎵${newline}${newline}three"`), // 7-9
      '7lmeHLHBe4nmXzuXc0HDjk,short,row', // 10
      withName(plain, '0000000000000000000003', 'Naïve').replace('0.978', '1.978'), // 11
      '', // 12
      withName(plain, '0000000000000000000004', '""'), // 13
    ];
    const skipped = [
      { line: 10, reason: 'has 3 columns, the header has 24' },
      { line: 11, reason: 'energy 1.978 is out of range (0 to 1)' },
    ];

    it.each([
      ['LF', '\n', ''],
      ['CRLF', '\r\n', ''],
      ['LF with a byte order mark', '\n', '\uFEFF'],
      ['CRLF with a byte order mark', '\r\n', '\uFEFF'],
    ])(
      'reads a %s file cut at random byte positions as it reads it whole',
      async (_name, newline, bom) => {
        const text = bom + lines(newline).join(newline) + newline;
        const whole = await readAll(
          await openCatalogFile(Readable.from([Buffer.from(text)]), OPTIONS),
        );
        expect(whole.filter((row) => row.reason)).toEqual(skipped);
        expect(whole.filter((row) => row.track).map((row) => row.line)).toEqual([2, 3, 6, 7, 13]);
        const tracks = merge(whole);
        expect(tracks.get('0000000000000000000001')?.name).toBe(`Two${newline}lines, "quoted"`);
        expect(tracks.get('0000000000000000000002')?.name).toBe(
          `Café ñ 日本 🎵${newline}${newline}three`,
        );
        for (let seed = 1; seed <= 40; seed += 1) {
          expect(
            await readAll(await openCatalogFile(randomlyChunked(text, seed), OPTIONS)),
          ).toEqual(whole);
        }
      },
    );

    // Each was refused by csv-parse (relax_column_count, bom, skip_empty_lines off) at the same
    // line, but for a quote that never closes, which it named at the file's end and the reader now
    // names where the quote opens. papaparse lets some through or only reports them: the reader
    // checks them.
    it.each([
      ['a quote that never closes, at the end', `"${plain}`, 3],
      ['a quote that never closes, over lines', `${plain}\n"x,\n\nmore`, 4],
      ['a quote inside an unquoted field', plain.replace('Testify', 'Test"ify'), 3],
      ['a space before an opening quote', plain.replace('Testify', ' "Testify"'), 3],
      ['a letter after a closing quote', plain.replace('Testify', '"Test"ify'), 3],
      ['a space after a closing quote', plain.replace('Testify', '"Testify" '), 3],
      ['a lone quote after a closing quote', plain.replace('Testify', '"Testify"""x"'), 3],
      [
        'a quote inside an unquoted field after a field with a line break',
        plain.replace('7lmeHLHBe4nmXzuXc0HDjk,Testify', '"7lmeHLHBe4nm\nXzuXc0HDjk",Test"ify'),
        4,
      ],
    ])('refuses %s with 400 INVALID_CSV, naming the line', async (_name, bad, line) => {
      for (const newline of ['\n', '\r\n']) {
        const text = [header, quoted, bad, plain].join(newline);
        for (let seed = 0; seed <= 10; seed += 1) {
          const source =
            seed === 0 ? Readable.from([Buffer.from(text)]) : randomlyChunked(text, seed);
          const error = await readAll(await openCatalogFile(source, OPTIONS)).catch(
            (e: unknown) => e,
          );
          expect(error).toMatchObject({ status: 400, code: 'INVALID_CSV', details: { line } });
          expect((error as Error).message).toMatch(new RegExp(`at line ${line}:`));
        }
      }
    });

    it('refuses a row that runs on past the limit (a quote that never closes) without reading on', async () => {
      const start = `${header}\n${plain}\n"`;
      let handed = 0;
      // An endless file: the reader must give up on its own.
      const source = function* () {
        handed += 1;
        yield Buffer.from(start);
        for (;;) {
          handed += 1;
          yield Buffer.from('x'.repeat(65536));
        }
      };
      const error = await readAll(await openCatalogFile(Readable.from(source()), OPTIONS)).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ status: 400, code: 'INVALID_CSV', details: { line: 3 } });
      expect(handed).toBeLessThan(2 + UNFINISHED_ROW_LIMIT / 65536 + 2);
    });
  });
});
