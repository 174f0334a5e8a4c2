/** Runnable example bodies for Swagger UI (a slice of ../shared/data/playlist_artists.json). */
export const FAVOURITE_ARTISTS_EXAMPLE = {
  seedRows: [
    {
      track_id: '1DzQvaFztN7CnbqcXOO5k0',
      href: 'https://api.spotify.com/v1/artists/0w7HLMvZOHatWVbAKee1zF',
      artist_id: '0w7HLMvZOHatWVbAKee1zF',
      artist_name: 'Redbone',
    },
    {
      track_id: '2ysXoU4TaFyoLI8xoNLVjs',
      href: 'https://api.spotify.com/v1/artists/1tZ99AnqyjgrmPwLfGU5eo',
      artist_id: '1tZ99AnqyjgrmPwLfGU5eo',
      artist_name: 'Fito y Fitipaldis',
    },
    {
      track_id: '6JxwjzxFlfkOB12ruL3sEI',
      href: 'https://api.spotify.com/v1/artists/3bgsNtcf5d5h9jbQbohfBK',
      artist_id: '3bgsNtcf5d5h9jbQbohfBK',
      artist_name: 'Extremoduro',
    },
  ],
  spotifyTracks: [
    {
      id: '3n3Ppam7vgaVa1iaRUc9Lp',
      name: 'Mr. Brightside',
      artists: [
        {
          id: '0C0XlULifJtAgn6ZNCW2eu',
          name: 'The Killers',
          href: 'https://api.spotify.com/v1/artists/0C0XlULifJtAgn6ZNCW2eu',
        },
      ],
    },
    {
      id: '0VjIjW4GlUZAMYd2vXMi3b',
      name: 'Blinding Lights',
      artists: [
        {
          id: '1Xyo4u8uXC1ZmMpatF05PJ',
          name: 'The Weeknd',
          href: 'https://api.spotify.com/v1/artists/1Xyo4u8uXC1ZmMpatF05PJ',
        },
      ],
    },
  ],
};
