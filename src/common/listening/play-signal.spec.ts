import { playSignal, SHORT_PLAY } from './play-signal';

describe('playSignal', () => {
  it.each([
    ['a row without ms_played (an id, an API object)', {}, undefined, 'listen'],
    ['a full play', { msPlayed: 180_000, reasonEnd: 'trackdone' }, 180_000, 'listen'],
    [
      'Spotify skip flag, even after a long play',
      { msPlayed: 170_000, skippedFlag: true },
      180_000,
      'skip',
    ],
    ['next button before 30 s', { msPlayed: 12_000, reasonEnd: 'fwdbtn' }, undefined, 'skip'],
    [
      'next button before half the track',
      { msPlayed: 80_000, reasonEnd: 'fwdbtn' },
      200_000,
      'skip',
    ],
    [
      'next button after half the track',
      { msPlayed: 120_000, reasonEnd: 'fwdbtn' },
      200_000,
      'listen',
    ],
    [
      'next button after 30 s, length unknown',
      { msPlayed: 45_000, reasonEnd: 'fwdbtn' },
      undefined,
      'listen',
    ],
    [
      'next button with an unknown skip flag (older exports)',
      { msPlayed: 5_000, reasonEnd: 'fwdbtn', skippedFlag: false },
      undefined,
      'skip',
    ],
    [
      'a short play that ended otherwise',
      { msPlayed: 4_000, reasonEnd: 'trackdone' },
      180_000,
      'none',
    ],
    ['a short play without a reason (Account data)', { msPlayed: 29_999 }, undefined, 'none'],
    ['exactly 30 s', { msPlayed: 30_000, reasonEnd: 'endplay' }, undefined, 'listen'],
  ] as const)('%s', (_, play, duration, signal) => {
    const result = playSignal(play, duration);
    expect(result.signal).toBe(signal);
    expect(result.reason).toBe(signal === 'none' ? SHORT_PLAY : undefined);
  });
});
