import retrainMoodExample from '../../../data/examples/retrain-mood.json';

/**
 * retrain_mood's runnable example: two moods, six tracks each from two playlists (three a
 * playlist): the fewest playlists that let every cross-validation fold train on both moods.
 */
export const RETRAIN_MOOD_EXAMPLE = retrainMoodExample;

/**
 * predict_mood's: a listener who played the example's calm tracks (a `tag` would be ignored), the
 * last from a source without `key` and `time_signature`, which the answer names where the model
 * reads them.
 */
export const PREDICT_MOOD_EXAMPLE = {
  tracks: retrainMoodExample.tracks
    .filter((track) => track.tag === 'Calm')
    .map(({ tag: _tag, playlist: _playlist, ...track }) => track)
    .map((track, i, calm) => (i < calm.length - 1 ? track : withoutKeyAndMeter(track))),
};

function withoutKeyAndMeter<T extends { key: number; time_signature: number }>({
  key: _key,
  time_signature: _timeSignature,
  ...track
}: T): Omit<T, 'key' | 'time_signature'> {
  return track;
}
