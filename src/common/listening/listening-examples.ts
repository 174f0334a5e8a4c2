/**
 * A listening body in each shape a client holds, for Swagger's examples: six plays of tracks of the
 * TidyTuesday catalog (the starter catalog), so each example answers on a fresh install.
 */
const PLAYS = [
  {
    id: '6f807x0ima9a1j3VPbc7VN',
    artist: 'Ed Sheeran',
    title: "I Don't Care (with Justin Bieber) - Loud Luxury Remix",
    ms: 194754,
  },
  {
    id: '0r7CVbZTWZgbTCYdfa2P31',
    artist: 'Maroon 5',
    title: 'Memories - Dillon Francis Remix',
    ms: 162600,
  },
  {
    id: '1z1Hg7Vb0AhHDiEmnDE79l',
    artist: 'Zara Larsson',
    title: 'All the Time - Don Diablo Remix',
    ms: 176616,
  },
  {
    id: '75FpbthrwQmzHlBJLuGdC7',
    artist: 'The Chainsmokers',
    title: 'Call You Mine - Keanu Silva Remix',
    ms: 169093,
  },
  {
    id: '1e8PAfcKUYoKkxPhrHqw4x',
    artist: 'Lewis Capaldi',
    title: 'Someone You Loved - Future Humans Remix',
    ms: 189052,
  },
  {
    id: '7fvUMiyapMsRRxr07cU8Ef',
    artist: 'Ed Sheeran',
    title: 'Beautiful People (feat. Khalid) - Jack Wins Remix',
    ms: 163049,
  },
];

/** When each play ended: one every four minutes from 2026-11-30 19:00 UTC. */
const endedAt = (i: number) => new Date(Date.UTC(2026, 10, 30, 19, 4 * (i + 1)));

export const LISTENING_EXAMPLES = {
  ids: {
    summary: 'Track ids, URIs or links, with play times (any mix)',
    value: PLAYS.map((play, i) =>
      i % 3 === 0
        ? { id: play.id, played_at: endedAt(i).toISOString() }
        : i % 3 === 1
          ? { uri: `spotify:track:${play.id}`, played_at: endedAt(i).toISOString() }
          : {
              id: `https://open.spotify.com/track/${play.id}?si=x`,
              played_at: endedAt(i).toISOString(),
            },
    ),
  },
  recentlyPlayed: {
    summary: "Spotify's GET /me/player/recently-played answer",
    value: {
      items: PLAYS.map((play, i) => ({
        track: {
          id: play.id,
          name: play.title,
          type: 'track',
          uri: `spotify:track:${play.id}`,
          duration_ms: play.ms,
          artists: [{ name: play.artist, type: 'artist' }],
        },
        played_at: endedAt(i).toISOString(),
        context: null,
      })),
      cursors: { after: String(endedAt(5).getTime()), before: String(endedAt(0).getTime()) },
      limit: 50,
      next: null,
    },
  },
  extendedHistory: {
    summary: "Spotify's Extended streaming history (Streaming_History_Audio_*.json)",
    value: PLAYS.map((play, i) => ({
      ts: endedAt(i).toISOString().replace('.000', ''),
      platform: 'android',
      ms_played: i === 3 ? 8000 : play.ms,
      conn_country: 'ES',
      master_metadata_track_name: play.title,
      master_metadata_album_artist_name: play.artist,
      master_metadata_album_album_name: null,
      spotify_track_uri: `spotify:track:${play.id}`,
      episode_name: null,
      episode_show_name: null,
      spotify_episode_uri: null,
      reason_start: i === 0 ? 'clickrow' : 'trackdone',
      reason_end: i === 3 ? 'fwdbtn' : 'trackdone',
      shuffle: false,
      skipped: i === 3,
      offline: false,
      offline_timestamp: null,
      incognito_mode: false,
    })),
  },
  accountData: {
    summary: "Spotify's Account data history (StreamingHistory_music_*.json: names, no ids)",
    value: PLAYS.map((play, i) => ({
      endTime: endedAt(i).toISOString().slice(0, 16).replace('T', ' '),
      artistName: play.artist,
      trackName: play.title,
      msPlayed: play.ms,
    })),
  },
  listenBrainz: {
    summary: 'ListenBrainz listens (API answer; its export, one listen a line, is accepted too)',
    value: {
      payload: {
        count: PLAYS.length,
        listens: PLAYS.map((play, i) => ({
          listened_at: Math.round((endedAt(i).getTime() - play.ms) / 1000),
          track_metadata: {
            artist_name: play.artist,
            track_name: play.title,
            additional_info: {
              duration_ms: play.ms,
              spotify_id: `https://open.spotify.com/track/${play.id}`,
            },
          },
        })),
      },
    },
  },
};
