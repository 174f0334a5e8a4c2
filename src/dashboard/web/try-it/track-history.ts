import { AUDIO_FEATURES } from '../../../common/tracks/audio-features';
import { parsePlayTime } from '../../../common/tracks/play-time';

/** One played track of a listening history, as the charts place it: when, and its raw fields. */
export interface PlayedTrack {
  /** Seconds since the epoch. */
  playedAt: number;
  fields: Record<string, unknown>;
}

/**
 * The rows of a listening history in any of the three shapes the service accepts (an array of tracks,
 * `{ "tracks": [...] }`, pandas column-oriented JSON). Only for drawing: the service validates the
 * body itself and names any bad field in its answer, so a shape this cannot read just yields no rows.
 */
export function historyRows(body: unknown): Record<string, unknown>[] {
  const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (Array.isArray(body)) return body.filter(isRecord);
  if (!isRecord(body)) return [];
  if (Array.isArray(body.tracks)) return body.tracks.filter(isRecord);

  const rows = new Map<string, Record<string, unknown>>();
  for (const [column, cells] of Object.entries(body)) {
    if (!isRecord(cells)) continue;
    for (const [label, value] of Object.entries(cells)) {
      if (!rows.has(label)) rows.set(label, {});
      rows.get(label)![column] = value;
    }
  }
  const labels = [...rows.keys()];
  // pandas labels rows 0, 1, 2…: numeric labels are read in number order, as the service does.
  if (labels.every((label) => /^\d+$/.test(label))) labels.sort((a, b) => Number(a) - Number(b));
  return labels.map((label) => rows.get(label)!);
}

/**
 * The tracks that have a play time (`played_at`, or `ts`) and an audio feature of their own, oldest
 * first, as the trend fits see them. Rows the service looks up (ids, exports, listens) carry no
 * values to draw here, and there may be a great many of them.
 */
export function playedTracks(body: unknown): PlayedTrack[] {
  const played: PlayedTrack[] = [];
  for (const fields of historyRows(body)) {
    if (!AUDIO_FEATURES.some((feature) => typeof fields[feature] === 'number')) continue;
    // As the service reads a row: an empty or null played_at counts as absent, and ts stands in.
    const given = [fields.played_at, fields.ts].find(
      (time) => time !== undefined && time !== null && time !== '',
    );
    const playedAt = parsePlayTime(given);
    if (playedAt) played.push({ playedAt: playedAt.getTime() / 1000, fields });
  }
  // Stable: tracks played at the same time keep their order.
  return played.sort((a, b) => a.playedAt - b.playedAt);
}

/** One feature's observed values over the played tracks (null where a track lacks it). */
export function featureValues(played: PlayedTrack[], feature: string): (number | null)[] {
  return played.map(({ fields }) => {
    const value = fields[feature];
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  });
}
