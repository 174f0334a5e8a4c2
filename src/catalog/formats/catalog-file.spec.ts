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

const OPTIONS: OpenOptions = { jsonLimit: 1 << 20 };

/** The bytes in chunks of a few bytes, so no reader may rely on a line arriving whole. */
function chunked(text: string, size = 7): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
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
});
