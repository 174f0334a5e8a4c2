import retrainMoodExample from '../../../data/examples/retrain-mood.json';

/**
 * retrain_mood's runnable example: two moods, six tracks each from two playlists (three a playlist): the
 * fewest playlists that let every cross-validation fold train on both moods.
 */
export const RETRAIN_MOOD_EXAMPLE = retrainMoodExample;

/** predict_mood's: a listener who played the example's calm tracks (a `tag` would be ignored). */
export const PREDICT_MOOD_EXAMPLE = {
  tracks: retrainMoodExample.tracks
    .filter((track) => track.tag === 'Calm')
    .map(({ tag: _tag, playlist: _playlist, ...track }) => track),
};
