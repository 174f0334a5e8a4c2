/**
 * Writes a catalog file in the 1.2M-songs format (tracks_features.csv), resampled from the real
 * TidyTuesday sample with noise: each row copies a random sample track's features and nudges them,
 * keeping every value inside its rule. Ids are random (so every row is a new track), artists are
 * Python list literals like the real file's, and time signatures are written `4.0`.
 */
import { parse } from 'csv-parse/sync';
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { AUDIO_FEATURE_RULES, AUDIO_FEATURES } from '../src/common/tracks/audio-features';

export const TRACKS_FEATURES_HEADER = [
  'id',
  'name',
  'album',
  'album_id',
  'artists',
  'artist_ids',
  'track_number',
  'disc_number',
  'explicit',
  ...AUDIO_FEATURES,
  'year',
  'release_date',
];

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** mulberry32: a small seeded generator, so a run can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const csvCell = (value: string): string =>
  /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

export const pyString = (value: string): string =>
  value.includes("'") ? `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : `'${value}'`;

export async function writeTracksFeaturesCsv(
  samplePath: string,
  targetPath: string,
  rows: number,
  seed = 1,
): Promise<void> {
  const sample = parse<Record<string, string>>(readFileSync(samplePath), { columns: true });
  const random = seededRandom(seed);
  const id = () => Array.from({ length: 22 }, () => BASE62[Math.floor(random() * 62)]).join('');
  const out = createWriteStream(targetPath);
  out.write(TRACKS_FEATURES_HEADER.join(',') + '\n');
  let buffer = '';
  for (let i = 0; i < rows; i += 1) {
    const source = sample[Math.floor(random() * sample.length)];
    const artists = [source.track_artist === 'NA' ? 'Unknown' : source.track_artist];
    if (random() < 0.2) artists.push(sample[Math.floor(random() * sample.length)].track_artist);
    const features = AUDIO_FEATURES.map((feature) => {
      const rule = AUDIO_FEATURE_RULES[feature];
      if (feature === 'time_signature') return random() < 0.9 ? '4.0' : '3.0';
      const base = Number(source[feature]);
      if (rule.integer) return String(base);
      const spread = (rule.max - rule.min) * (feature === 'duration_ms' ? 0.00001 : 0.02);
      const noisy = Math.min(rule.max, Math.max(rule.min, base + (random() - 0.5) * spread));
      return feature === 'duration_ms'
        ? String(Math.max(1000, Math.round(noisy)))
        : noisy.toFixed(4);
    });
    const date = source.track_album_release_date;
    const year = /^\d{4}/.test(date) ? date.slice(0, 4) : '2000';
    buffer +=
      [
        id(),
        csvCell(source.track_name === 'NA' ? `Track ${i}` : source.track_name),
        csvCell(source.track_album_name),
        id(),
        csvCell(`[${artists.map(pyString).join(', ')}]`),
        csvCell(`[${artists.map(() => pyString(id())).join(', ')}]`),
        String(1 + Math.floor(random() * 12)),
        '1',
        random() < 0.1 ? 'True' : 'False',
        ...features,
        year,
        date,
      ].join(',') + '\n';
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}
