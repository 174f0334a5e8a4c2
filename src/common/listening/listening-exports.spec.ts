import { loadTidyTuesday } from '../../../bench/recommendations/tidytuesday';
import { buildListeningExports, isRightSong } from '../../../test/helpers/listening-exports';
import { RecordsCatalogLookup } from '../../../test/helpers/records-catalog-lookup';
import { readSharedJson, readSharedText, sharedDataPath } from '../../../test/helpers/shared-data';
import { parseJsonLines } from './listenbrainz-rows';
import type { ResolvedRow } from './listening-row';
import { parseListeningBody } from './parse-listening-body';
import { SHORT_PLAY } from './play-signal';
import { NO_NAME_MATCH, NOT_IN_CATALOG, resolveListening } from './resolve-listening';

/**
 * The resolver on the real shared sample: exports made from it (test/helpers/listening-exports.ts)
 * with podcasts, short plays, skips, tracks held out of the catalog and name variants, and the
 * exports shipped beside it.
 */
const sample = loadTidyTuesday(sharedDataPath('spotify_songs_dev.csv')).records;
const byId = new Map(sample.map((record) => [record.id, record]));
const exportsOf = buildListeningExports(sample, { plays: 12_000, seed: 22 });
const lookup = new RecordsCatalogLookup(exportsOf.catalog);

/** Every row with a reason not to use it is in `skipped` once, with that reason, and no other row. */
function expectSkippedToListUnusedRows(
  rows: ResolvedRow[],
  skipped: { row: number; reason: string }[],
) {
  expect(skipped).toEqual(
    rows
      .filter((row) => row.unused !== undefined)
      .map((row): unknown => expect.objectContaining({ row: row.row, reason: row.unused })),
  );
}

describe('listening exports made from the shared sample', () => {
  it('Extended streaming history: every catalog track by id, held-out ones unresolved, every unused row listed', () => {
    const { rows, resolved, skipped } = resolveListening(
      parseListeningBody(exportsOf.extended).rows,
      lookup,
    );
    const source = exportsOf.extendedSource;
    const inCatalog = rows.filter(
      (row) => source[row.row] && !exportsOf.heldOut.has(source[row.row]!.id),
    );
    const heldOut = rows.filter(
      (row) => source[row.row] && exportsOf.heldOut.has(source[row.row]!.id),
    );
    expect(inCatalog.length).toBeGreaterThan(10_000);
    expect(heldOut.length).toBeGreaterThan(100);

    expect(
      inCatalog.every((row) => row.resolvedBy === 'id' && row.catalogId === source[row.row]!.id),
    ).toBe(true);
    expect(heldOut.every((row) => row.unused === NOT_IN_CATALOG && row.artistKnown)).toBe(true);
    expect(resolved).toEqual({
      given: 0,
      by_id: inCatalog.length,
      by_name: 0,
      unresolved: heldOut.length,
    });

    const reasons = countReasons(skipped);
    expect(Object.keys(reasons).sort()).toEqual(
      [
        NOT_IN_CATALOG,
        SHORT_PLAY,
        'a podcast episode, not music',
        'no track or episode in this play',
      ].sort(),
    );
    expect(reasons['a podcast episode, not music']).toBe(
      exportsOf.extended.filter((p) => p.spotify_episode_uri).length,
    );
    expectSkippedToListUnusedRows(rows, skipped);

    // Skips: Spotify's flag, or the next button before 30 s where older files wrote no flag.
    const skips = rows.filter((row) => row.signal === 'skip');
    const flagged = exportsOf.extended.filter((p) => p.reason_end === 'fwdbtn').length;
    expect(skips).toHaveLength(flagged);
    expect(skips.every((row) => row.unused === undefined || row.unused === NOT_IN_CATALOG)).toBe(
      true,
    );
    const shorts = rows.filter((row) => row.unused === SHORT_PLAY);
    expect(shorts.every((row) => row.msPlayed! < 30_000 && row.signal === 'none')).toBe(true);
  });

  it('Account data: ≥ 97 % of name-only plays resolve to the right song, none to a wrong one', () => {
    const { rows, resolved, skipped } = resolveListening(
      parseListeningBody(exportsOf.account).rows,
      lookup,
    );
    const source = exportsOf.accountSource;
    const absent = (row: ResolvedRow) =>
      exportsOf.heldOut.has(source[row.row]!.id) || exportsOf.otherVersion.has(row.row);
    const inCatalog = rows.filter((row) => source[row.row] && !absent(row));
    const heldOut = rows.filter((row) => source[row.row] && absent(row));
    expect(rows.filter((row) => exportsOf.otherVersion.has(row.row)).length).toBeGreaterThan(100);

    const right = inCatalog.filter(
      (row) => row.catalogId && isRightSong(byId.get(row.catalogId)!, source[row.row]!),
    );
    const wrong = inCatalog.filter(
      (row) => row.catalogId && !isRightSong(byId.get(row.catalogId)!, source[row.row]!),
    );
    expect(wrong.map((row) => [exportsOf.account[row.row], row.catalogId])).toEqual([]);
    expect(right.length / inCatalog.length).toBeGreaterThanOrEqual(0.97);
    // Variants were made: most rows are not spelled as the catalog spells them.
    const varied = inCatalog.filter((row) => exportsOf.accountVariant[row.row] !== 'exact');
    expect(varied.length / inCatalog.length).toBeGreaterThan(0.5);

    // A held-out track, or another version of a catalog song, is never matched to another song,
    // though its artist has others.
    expect(
      heldOut.every((row) => row.unused === NO_NAME_MATCH && row.artistKnown && !row.catalogId),
    ).toBe(true);
    expect(resolved).toEqual({
      given: 0,
      by_id: 0,
      by_name: right.length,
      unresolved: inCatalog.length - right.length + heldOut.length,
    });
    expectSkippedToListUnusedRows(rows, skipped);
    expect(Object.keys(countReasons(skipped)).sort()).toEqual(
      [NO_NAME_MATCH, SHORT_PLAY, 'a podcast episode, not music'].sort(),
    );
  });
});

describe('the exports shipped with the shared sample', () => {
  const everything = new RecordsCatalogLookup(sample);
  const resolve = (body: unknown) => resolveListening(parseListeningBody(body).rows, everything);

  it.each([
    'Streaming_History_Audio_2026.json',
    'recently-played.json',
    'playlist-items-2026.json',
    'listenbrainz-listens.json',
  ])('%s: every track resolves by its id', (file) => {
    const { rows, resolved } = resolve(readSharedJson(`exports/${file}`));
    const tracks = rows.filter((row) => row.kind === 'track' && row.id);
    expect(tracks.length).toBeGreaterThan(0);
    expect(tracks.every((row) => row.resolvedBy === 'id' && row.catalogId === row.id)).toBe(true);
    expect(resolved).toEqual({ given: 0, by_id: tracks.length, by_name: 0, unresolved: 0 });
  });

  it('StreamingHistory_music_0.json: every play resolves by name to the track of those names', () => {
    const plays = readSharedJson<{ artistName: string; trackName: string }[]>(
      'exports/StreamingHistory_music_0.json',
    );
    const { rows, resolved } = resolve(plays);
    expect(resolved).toEqual({ given: 0, by_id: 0, by_name: plays.length, unresolved: 0 });
    rows.forEach((row) => {
      const track = byId.get(row.catalogId!)!;
      expect([track.artists[0].name, track.name]).toEqual([
        plays[row.row].artistName,
        plays[row.row].trackName,
      ]);
    });
  });

  it('listenbrainz-listens.jsonl reads and resolves as its JSON twin', () => {
    const lines = resolve(
      parseJsonLines(readSharedText('exports/listenbrainz-listens.jsonl'), 1000),
    );
    const array = resolve(readSharedJson('exports/listenbrainz-listens.json'));
    expect(lines.resolved).toEqual(array.resolved);
    expect(lines.rows.map((row) => row.catalogId)).toEqual(array.rows.map((row) => row.catalogId));
  });
});

function countReasons(skipped: { reason: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { reason } of skipped) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}
