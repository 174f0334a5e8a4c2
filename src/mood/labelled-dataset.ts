import { createHash } from 'node:crypto';
import { ValidationFailedError } from '../common/errors';
import {
  AUDIO_FEATURES,
  type ParsedTracks,
  type Track,
  type TracksBodyOptions,
} from '../common/tracks';
import { datasetProblems, foldProblems, type LabelledRow } from './mood-dataset-split';
import type { MoodHyperParameters } from './model/train-mood-model';
import { audioFeatureVector } from './mood-features';

/**
 * How labelled tracks are read, from a request or the default dataset: rows without a `tag` are
 * skipped, and no feature is required (the model fills one a track lacks with the training mean).
 */
export const LABELLED_TRACKS: TracksBodyOptions<never> = { labelled: true, requiredFeatures: [] };

/**
 * Rows and sorted labels for the trainer. A dataset it cannot train on is a 400 on `tracks`, before
 * any run is recorded: too few moods or rows per mood, or groups (playlists) that leave some
 * cross-validation fold nothing to learn from, for the run's folds and seed.
 */
export function toLabelledRows(
  parsed: ParsedTracks<never>,
  { folds, seed }: Pick<MoodHyperParameters, 'folds' | 'seed'>,
): { rows: LabelledRow[]; labels: string[] } {
  const counts = new Map<string, number>();
  for (const track of parsed.tracks) counts.set(track.tag!, (counts.get(track.tag!) ?? 0) + 1);
  const rejectIf = (problems: string[]) => {
    if (problems.length === 0) return;
    throw new ValidationFailedError(problems.map((message) => ({ path: 'tracks', message })));
  };
  rejectIf(datasetProblems(counts));
  const labels = [...counts.keys()].sort();
  const index = new Map(labels.map((label, i) => [label, i]));
  const rows = parsed.tracks.map((track) => ({
    inputs: audioFeatureVector(track),
    label: index.get(track.tag!)!,
    id: track.id,
    playlist: track.playlist,
  }));
  rejectIf(foldProblems(rows, folds, seed));
  return { rows, labels };
}

/**
 * The sha256 a training run records: of the labelled rows it trained on, whatever the source (the
 * default dataset's file or a request body, in any accepted shape). Canonical form: the JSON array of
 * one array per row, in order, `[tag, playlist or null, id or null, ...the 13 features in
 * AUDIO_FEATURES order]`. Two datasets with the same rows have the same sha256.
 */
export function labelledDatasetSha256(tracks: readonly Track<never>[]): string {
  const rows = tracks.map((track) => [
    track.tag ?? null,
    track.playlist ?? null,
    track.id ?? null,
    ...AUDIO_FEATURES.map((feature) => track[feature]),
  ]);
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}
