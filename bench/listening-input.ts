/**
 * Reading and resolving a whole listening export: a 50,000-play Extended streaming history (ids)
 * and an Account data file of the same plays (names only, with name variants), made from the shared
 * sample by test/helpers/listening-exports.ts, resolved against the sample as the catalog (the
 * name index over its 20,579 tracks). Beside them: the same plays as bare ids, and as
 * audio-features rows (what clients sent before), through the same reader and through today's
 * tracks pipe. Times are the median of a few runs; JSON.parse (the body parser's share) is shown
 * apart. A benchmark, not a test: it never fails on a number.
 *
 *   npm run bench:listening [-- --plays 50000 --runs 5]
 */
import 'reflect-metadata';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadTidyTuesday } from './recommendations/tidytuesday';
import { CatalogNameIndex, parseListeningBody, resolveListening } from '../src/common/listening';
import { AUDIO_FEATURES } from '../src/common/tracks/audio-features';
import { parseTracksBody } from '../src/common/tracks/tracks-body.pipe';
import { buildListeningExports } from '../test/helpers/listening-exports';
import { RecordsCatalogLookup } from '../test/helpers/records-catalog-lookup';
import { sharedDataPath } from '../test/helpers/shared-data';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const PLAYS = argument('plays', 50_000);
const RUNS = argument('runs', 5);

/** Median wall and CPU time of `runs` runs (after one warm-up): CPU time, as others may share the machine. */
function median(work: () => unknown, runs = RUNS): Timing {
  work();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    work();
    walls.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  const middle = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { wall: middle(walls), cpu: middle(cpus) };
}

interface Timing {
  wall: number;
  cpu: number;
}

const ms = ({ wall, cpu }: Timing) =>
  `${cpu.toFixed(0).padStart(5)} ms CPU (${wall.toFixed(0)} wall)`;
const sum = (a: Timing, b: Timing): Timing => ({ wall: a.wall + b.wall, cpu: a.cpu + b.cpu });

const { records } = loadTidyTuesday(sharedDataPath('spotify_songs_dev.csv'));
const catalog = new RecordsCatalogLookup(records);
const indexBuild = median(() => {
  const index = new CatalogNameIndex((slot) => ({
    title: records[slot].name,
    artists: records[slot].artists.map((artist) => artist.name),
  }));
  records.forEach((_, slot) => index.add(slot));
  return index;
});
const nameIndex = new CatalogNameIndex((slot) => ({
  title: records[slot].name,
  artists: records[slot].artists.map((artist) => artist.name),
}));
records.forEach((_, slot) => nameIndex.add(slot));

const made = buildListeningExports(records, { plays: PLAYS, seed: 22, heldOutShare: 0 });
// A listener's year as Spotify writes it: the same plays' count, of fewer tracks, exact names.
const year = buildListeningExports(records, {
  plays: PLAYS,
  seed: 23,
  heldOutShare: 0,
  distinctTracks: 8000,
  nameVariants: false,
});
const byId = new Map(records.map((record) => [record.id, record]));
const bodies: Record<string, unknown[]> = {
  'Extended history (ids)': made.extended,
  'Account data (names, varied, ~18k tracks)': made.account,
  'Account data (names as Spotify writes them, 8k tracks)': year.account,
  'bare ids': made.extendedSource.filter((track) => track).map((track) => track!.id),
  'audio-features rows': made.extended
    .filter((play) => play.spotify_track_uri)
    .map((play): Record<string, unknown> => {
      const track = byId.get(String(play.spotify_track_uri).slice('spotify:track:'.length))!;
      const row: Record<string, unknown> = { id: track.id, played_at: play.ts };
      for (const feature of AUDIO_FEATURES) {
        if (track.features[feature] !== null) row[feature] = track.features[feature];
      }
      return row;
    }),
};

console.log(
  `Listening input, median of ${RUNS} runs, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores; catalog: the shared sample (${records.length} tracks)`,
);
console.log(
  `  name index: ${nameIndex.size} keys, ${(nameIndex.byteLength / 1e6).toFixed(2)} MB, built in ${ms(indexBuild)}, ${((indexBuild.cpu * 1000) / records.length).toFixed(2)} µs CPU a track`,
);
for (const [name, rows] of Object.entries(bodies)) {
  const text = JSON.stringify(rows);
  const jsonParse = median(() => JSON.parse(text) as unknown);
  const body = JSON.parse(text) as unknown[];
  const parse = median(() => parseListeningBody(body));
  const parsed = parseListeningBody(body).rows;
  const resolve = median(() => resolveListening(parsed, catalog));
  const { resolved, skipped } = resolveListening(parsed, catalog);
  console.log(
    `  ${name} (${rows.length} rows, ${(text.length / 1e6).toFixed(1)} MB)\n    JSON.parse ${ms(jsonParse)}; read ${ms(parse)}; resolve ${ms(resolve)}; read + resolve ${ms(sum(parse, resolve))}`,
  );
  console.log(`    resolved ${JSON.stringify(resolved)}, skipped ${skipped.length}`);
  if (name === 'audio-features rows') {
    const today = median(() => parseTracksBody(body, { maxTracks: 100_000, requiredFeatures: [] }));
    console.log(`    today's tracks pipe on the same body: ${ms(today)}`);
  }
}
