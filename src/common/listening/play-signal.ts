import { type ListeningRow, MIN_LISTEN_MS, type PlaySignal } from './listening-row';

export const SHORT_PLAY = `shorter than ${MIN_LISTEN_MS / 1000} s: not a listen`;

/**
 * What a play counts as. Rows without `ms_played` (ids, Spotify objects, ListenBrainz listens, which
 * are submitted only for listens) are listens. In an export:
 * - a skip: Spotify's `skipped: true`, or a play ended by the next button (`reason_end: "fwdbtn"`)
 *   early: before 30 s, or before half the track where its length is known. A skip is a negative
 *   signal (never recommended back, a negative seed), not a listen, whatever its length;
 * - a play shorter than 30 s that is no skip is nothing (Spotify counts a stream from 30 s);
 * - anything else is a listen, however it ended (a track played out, stopped, or left after half).
 */
export function playSignal(
  play: Pick<ListeningRow, 'msPlayed' | 'skippedFlag' | 'reasonEnd'>,
  durationMs?: number,
): { signal: PlaySignal; reason?: string } {
  const { msPlayed } = play;
  if (msPlayed === undefined) return { signal: 'listen' };
  if (play.skippedFlag === true) return { signal: 'skip' };
  const early = msPlayed < MIN_LISTEN_MS || (durationMs !== undefined && msPlayed < durationMs / 2);
  if (play.reasonEnd === 'fwdbtn' && early) return { signal: 'skip' };
  if (msPlayed < MIN_LISTEN_MS) return { signal: 'none', reason: SHORT_PLAY };
  return { signal: 'listen' };
}
