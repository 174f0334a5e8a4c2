import { Injectable } from '@nestjs/common';
import { CatalogHarvester } from '../catalog/catalog-harvester';
import { CatalogIndexRef } from '../catalog-index/catalog-index-ref';
import { type ErrorDetail, ValidationFailedError } from '../common/errors';
import {
  type ListeningSkip,
  parseListeningBody,
  type ResolvedRow,
  resolveListening,
} from '../common/listening';
import {
  AUDIO_FEATURES,
  type AudioFeature,
  type ListeningTracks,
  type Track,
  type TracksBodyOptions,
} from '../common/tracks';

/** Why a skipped play is of no use to a call that wants listens (recommendations avoid it). */
export const SKIPPED_PLAY = 'skipped by the listener: not a listen (recommendations avoid it)';

/**
 * Reads a listening body of any accepted shape (see parseListeningBody), resolves each row against
 * the catalog index (its own features, the catalog's by id, by artist + title: resolveListening),
 * and hands the call its listens as tracks with the features it requires, plus how the rows
 * resolved, each unused row with its reason, and the tracks the listener skipped.
 *
 * A row that carries its own features and lacks one the call requires (and the catalog cannot
 * fill) is a 400 naming it, as before; a row resolved from the catalog that lacks one is skipped
 * with the reason. Rows that brought features of their own are offered to the catalog's harvest,
 * once the body has been accepted whole.
 */
@Injectable()
export class ListeningReader {
  constructor(
    private readonly index: CatalogIndexRef,
    private readonly harvester: CatalogHarvester,
  ) {}

  read<Needed extends AudioFeature>(
    body: unknown,
    options: TracksBodyOptions<Needed> = {},
  ): ListeningTracks<Needed> {
    const parsed = parseListeningBody(body, {
      labelled: options.labelled,
      maxRows: options.maxTracks,
    });
    const resolution = resolveListening(parsed.rows, this.index.current);
    const required: readonly AudioFeature[] = options.requiredFeatures ?? AUDIO_FEATURES;
    const tracks: Track<Needed>[] = [];
    const skipped: ListeningSkip[] = [];
    const skippedTrackIds = new Set<string>();
    const details: ErrorDetail[] = [];
    for (const row of resolution.rows) {
      if (row.unused !== undefined) {
        // With the catalog id where the row resolved (a short play of a known track, say).
        skipped.push(skipOf(row, row.unused));
        continue;
      }
      if (row.signal === 'skip') {
        const id = row.catalogId ?? row.id;
        if (id !== undefined) skippedTrackIds.add(id);
        skipped.push(skipOf(row, SKIPPED_PLAY));
        continue;
      }
      const lacking = required.filter((feature) => row.features?.[feature] === undefined);
      if (lacking.length > 0) {
        if (row.resolvedBy === 'features') {
          for (const feature of lacking) {
            details.push({ path: `${row.path}.${feature}`, message: 'is required' });
          }
        } else {
          skipped.push(skipOf(row, `the catalog has no ${lacking.join(', ')} for it`));
        }
        continue;
      }
      tracks.push(toTrack<Needed>(row));
    }
    if (details.length > 0) throw new ValidationFailedError(details.slice(0, 50));

    const own = tracks.filter((track) => track.resolvedBy === 'features' && track.id);
    if (own.length > 0) setImmediate(() => this.harvester.offer(own));
    return {
      tracks,
      skipped,
      resolved: resolution.resolved,
      rows: resolution.rows,
      skippedTrackIds: [...skippedTrackIds],
    };
  }
}

function skipOf(row: ResolvedRow, reason: string): ListeningSkip {
  const skip: ListeningSkip = { row: row.row, path: row.path, reason };
  const id = row.catalogId ?? row.id;
  if (id !== undefined) skip.id = id;
  return skip;
}

/**
 * A listen as the calls take it: the catalog's id where it resolved to one, its features, its
 * times. Every track has the same fields in the same order (absent ones undefined): 50,000 of them
 * built key by key from a spread cost some ten times more, in time and garbage.
 */
function toTrack<Needed extends AudioFeature>(row: ResolvedRow): Track<Needed> {
  const f = row.features ?? {};
  return {
    row: row.row,
    label: labelOf(row.path),
    id: row.catalogId ?? row.id,
    playedAt: row.playedAt,
    tag: row.tag,
    playlist: row.playlist,
    path: row.path,
    resolvedBy: row.resolvedBy,
    danceability: f.danceability,
    energy: f.energy,
    key: f.key,
    loudness: f.loudness,
    mode: f.mode,
    speechiness: f.speechiness,
    acousticness: f.acousticness,
    instrumentalness: f.instrumentalness,
    liveness: f.liveness,
    valence: f.valence,
    tempo: f.tempo,
    duration_ms: f.duration_ms,
    time_signature: f.time_signature,
  } satisfies Record<keyof Track, unknown> as Track<Needed>;
}

/** The row's own label: `17` for `tracks[17]` (a pandas row label, or the index), else its path. */
function labelOf(path: string): string {
  const match = /^tracks\[([^\]]*)\]$/.exec(path);
  return match ? match[1] : path;
}
