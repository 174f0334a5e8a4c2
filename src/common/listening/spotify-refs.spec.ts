import { parseSpotifyRef } from './spotify-refs';

const ID = '4uLU6hMCjMI75M1A2tKUQC';

describe('parseSpotifyRef', () => {
  it.each([
    [ID],
    [`spotify:track:${ID}`],
    [`https://open.spotify.com/track/${ID}`],
    [`https://open.spotify.com/track/${ID}?si=2c4ee4e7d7b34a1b`],
    [`https://open.spotify.com/intl-de/track/${ID}?si=x&context=spotify%3Aplaylist%3A1`],
    [`https://open.spotify.com/intl-pt-BR/track/${ID}`],
    [`http://open.spotify.com/track/${ID}/`],
    [`open.spotify.com/track/${ID}`],
    [`https://open.spotify.com/embed/track/${ID}#t=1`],
    [`https://api.spotify.com/v1/tracks/${ID}`],
    [`  ${ID}\n`],
  ])('reads %s as the track', (text) => {
    expect(parseSpotifyRef(text)).toEqual({ kind: 'track', id: ID });
  });

  it('tells episodes, audiobooks and local files from tracks', () => {
    expect(parseSpotifyRef(`spotify:episode:${ID}`)).toEqual({ kind: 'episode', id: ID });
    expect(parseSpotifyRef(`https://open.spotify.com/episode/${ID}?si=1`)).toEqual({
      kind: 'episode',
      id: ID,
    });
    expect(parseSpotifyRef(`spotify:chapter:${ID}`)).toEqual({ kind: 'chapter', id: ID });
    expect(parseSpotifyRef('spotify:local:Artist:Album:Title:215')).toEqual({ kind: 'local' });
  });

  it.each([
    ['21 characters', ID.slice(1)],
    ['23 characters', `${ID}x`],
    ['a character outside base62', `${ID.slice(1)}-`],
    ['an artist URI', `spotify:artist:${ID}`],
    ['an album link', `https://open.spotify.com/album/${ID}`],
    ['another host', `https://open.spotify.com.evil.example/track/${ID}`],
    ['a short link', 'https://spotify.link/abc123'],
    ['text around an id', `my song ${ID}`],
    ['an empty string', ''],
    ['a huge string', `${ID}${'x'.repeat(1_000_000)}`],
  ])('refuses %s', (_, text) => {
    expect(parseSpotifyRef(text)).toBeUndefined();
  });
});
