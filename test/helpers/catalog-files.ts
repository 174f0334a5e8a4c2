import { toPandasColumns } from './pandas-columns';
import type { CatalogFormat } from '../../src/catalog/formats/catalog-formats';

/**
 * One small file per catalog format, written the way the public datasets write it, with what an
 * import of it must produce. Unit specs of the readers and e2e specs of imports share them.
 */
export interface CatalogFileCase {
  format: CatalogFormat;
  contentType: string;
  body: string;
  /** Data rows (a CSV header is not one). */
  rows: number;
  /** Distinct tracks the good rows hold. */
  tracks: number;
  /** Lines of the bad rows, in order. */
  skippedLines: number[];
  /** A track to look at, and what it must be (partial). */
  check: { id: string; expected: Record<string, unknown> };
}

/** A Spotify audio-features object, as both JSON shapes carry it. */
const AUDIO_FEATURES_OBJECT = {
  id: '4uLU6hMCjMI75M1A2tKUQC',
  danceability: 0.5,
  energy: 0.6,
  key: 5,
  loudness: -5,
  mode: 1,
  speechiness: 0.05,
  acousticness: 0.1,
  instrumentalness: 0,
  liveness: 0.1,
  valence: 0.4,
  tempo: 120,
  duration_ms: 200000,
  time_signature: 4,
};

/** The real TidyTuesday sample: its rows and tracks, and a track that sits in seven playlists. */
export const SAMPLE_FACTS = {
  rows: 22_802,
  tracks: 20_579,
  tusa: {
    id: '7k4t7uLgtOxPwTpFmtJNTY',
    genres: [
      'dance pop',
      'edm',
      'hip pop',
      'latin',
      'latin hip hop',
      'latin pop',
      'pop',
      'pop edm',
      'r&b',
      'rap',
      'reggaeton',
      'trap',
    ],
  },
};

const FEATURES = '0.748,0.916,6,-2.634,1,0.0583,0.102,0,0.0653,0.518,122.036,194754';

export const CATALOG_FILES: Record<string, CatalogFileCase> = {
  tidytuesday: {
    format: 'tidytuesday',
    contentType: 'text/csv',
    body: [
      'track_id,track_name,track_artist,track_popularity,track_album_id,track_album_name,track_album_release_date,playlist_name,playlist_id,playlist_genre,playlist_subgenre,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,duration_ms',
      `6f807x0ima9a1j3VPbc7VN,I Don't Care,Ed Sheeran,66,2oCs0DGTsRO98Gh5ZSl2Cx,"Loud, Luxury",2019-06-14,Pop Remix,37i9dQZF1DXcZDD7cfEKhW,pop,dance pop,${FEATURES}`,
      `6f807x0ima9a1j3VPbc7VN,I Don't Care,Ed Sheeran,66,2oCs0DGTsRO98Gh5ZSl2Cx,"Loud, Luxury",2019-06-14,Hard Rock,37i9dQZF1DXcZDD7cfEKhX,rock,hard rock,${FEATURES}`,
      `69gRFGOWY9OMpFJgFol1u0,NA,NA,0,717UG2du6utFe7CdmpuUe3,NA,2012,HIP&HOP,5DyJsJZOpMJh34WvUrQzMV,rap,southern hip hop,0.714,0.821,6,-7.635,1,0.176,0.041,0,0.116,0.649,95.999,282707`,
      `0r7CVbZTWZgbTCYdfa2P31,Memories,Maroon 5,67,63rPSO264uRjW1X5E6cWv6,Memories,2019-12,Pop Remix,37i9dQZF1DXcZDD7cfEKhW,pop,dance pop,0.726,1.7,11,-4.969,1,0.0373,0.0724,0.00421,0.357,0.693,99.972,162600`,
      `1aaaaaaaaaaaaaaaaaaaaa,Too Few,Someone,50`,
      `2bbbbbbbbbbbbbbbbbbbbb,Tempo Text,Someone,50,,,1999-01-01,P,p,pop,pop,0.5,0.5,1,-5,1,0.1,0.1,0,0.1,0.5,fast,200000`,
      `3ccccccccccccccccccccc,"Two
Lines",Someone,50,,,1999-01-01,P,p,pop,pop,0.5,0.5,1,-5,1,0.1,0.1,0,0.1,0.5,120,200000`,
      `,No Id,Someone,50,,,1999-01-01,P,p,pop,pop,0.5,0.5,1,-5,1,0.1,0.1,0,0.1,0.5,120,200000`,
    ].join('\n'),
    rows: 8,
    tracks: 3,
    skippedLines: [5, 6, 7, 10],
    check: {
      id: '6f807x0ima9a1j3VPbc7VN',
      expected: {
        name: "I Don't Care",
        artists: [{ id: null, name: 'Ed Sheeran' }],
        album: {
          id: '2oCs0DGTsRO98Gh5ZSl2Cx',
          name: 'Loud, Luxury',
          release_date: '2019-06-14',
        },
        popularity: 66,
        genres: ['dance pop', 'hard rock', 'pop', 'rock'],
      },
    },
  },
  'tracks-114k': {
    format: 'tracks-114k',
    contentType: 'text/csv',
    body: [
      ',track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre',
      '0,5SuOikwiRyPMVoIQDJUgSV,Gen Hoshino,Comedy,Comedy,73,230666,False,0.676,0.461,1,-6.746,0,0.143,0.0322,1.01e-06,0.358,0.715,87.917,4,acoustic',
      '1,4qPNDBW1i3p13qLCt0Ki3A,Ben Woodward,Ghost (Acoustic),Ghost - Acoustic,55,149610,False,0.42,0.166,1,-17.235,1,0.0763,0.924,5.56e-06,0.101,0.267,77.489,4,acoustic',
      '2,1iJBSr7s7jYXzM8EGcbK5b,Ingrid Michaelson;ZAYN,To Begin Again,To Begin Again,57,210826,True,0.438,0.359,0,-9.734,1,0.0557,0.21,0,0.117,0.12,76.332,4,acoustic',
      '3,1iJBSr7s7jYXzM8EGcbK5b,Ingrid Michaelson;ZAYN,To Begin Again,To Begin Again,57,210826,True,0.438,0.359,0,-9.734,1,0.0557,0.21,0,0.117,0.12,76.332,4,chill',
    ].join('\n'),
    rows: 4,
    tracks: 3,
    skippedLines: [],
    check: {
      id: '1iJBSr7s7jYXzM8EGcbK5b',
      expected: {
        artists: [
          { id: null, name: 'Ingrid Michaelson' },
          { id: null, name: 'ZAYN' },
        ],
        explicit: true,
        genres: ['acoustic', 'chill'],
        features: expectFeatures({ time_signature: 4, key: 0, duration_ms: 210826 }),
      },
    },
  },
  'tracks-600k': {
    format: 'tracks-600k',
    contentType: 'text/csv',
    body: [
      'id,name,popularity,duration_ms,explicit,artists,id_artists,release_date,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature',
      `35iwgR4jXetI318WEWsa1Q,Carve,6,126903,0,['Uli'],['45tIt06XoI0Iio4LBEVpls'],1922,0.645,0.445,0,-13.338,1,0.451,0.674,0.744,0.151,0.127,104.851,3`,
      `7xPhfUan2yNtyFG0cUWkt8,Sweet Child O' Mine,84,356067,1,"[""Guns N' Roses"", 'Slash']","['3qm84nBOXUEQ2vnTfUTTFC', '0HBLqB0mn4BXvYuWXG5GtD']",1987-07-21,0.454,0.91,6,-7.9,1,0.0398,0.0952,0.136,0.119,0.629,125.303,4`,
    ].join('\n'),
    rows: 2,
    tracks: 2,
    skippedLines: [],
    check: {
      id: '7xPhfUan2yNtyFG0cUWkt8',
      expected: {
        artists: [
          { id: '3qm84nBOXUEQ2vnTfUTTFC', name: "Guns N' Roses" },
          { id: '0HBLqB0mn4BXvYuWXG5GtD', name: 'Slash' },
        ],
        explicit: true,
        album: { id: null, name: null, release_date: '1987-07-21' },
      },
    },
  },
  'tracks-1.2m': {
    format: 'tracks-1.2m',
    contentType: 'text/csv',
    body: [
      'id,name,album,album_id,artists,artist_ids,track_number,disc_number,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,duration_ms,time_signature,year,release_date',
      `7lmeHLHBe4nmXzuXc0HDjk,Testify,The Battle Of Los Angeles,2eia0myWFgoHuttJytCxgX,['Rage Against The Machine'],['2d0hyoQ5ynDBnkvAbJKORj'],1,1,False,0.47,0.978,7,-5.399,1,0.0727,0.0261,1.09e-05,0.356,0.503,117.906,210133,4.0,1999,1999-11-02`,
      `1wsRitfRRtWyEapl0q22o8,Guerrilla Radio,The Battle Of Los Angeles,2eia0myWFgoHuttJytCxgX,"['Rage Against The Machine', ""Zack de la Rocha's Band""]","['2d0hyoQ5ynDBnkvAbJKORj', '']",2,1,True,0.599,0.957,11,-5.764,1,0.188,0.0129,7.06e-05,0.155,0.489,103.68,206200,4.0,1999,1999-11-02`,
    ].join('\n'),
    rows: 2,
    tracks: 2,
    skippedLines: [],
    check: {
      id: '1wsRitfRRtWyEapl0q22o8',
      expected: {
        artists: [
          { id: '2d0hyoQ5ynDBnkvAbJKORj', name: 'Rage Against The Machine' },
          { id: null, name: "Zack de la Rocha's Band" },
        ],
        album: {
          id: '2eia0myWFgoHuttJytCxgX',
          name: 'The Battle Of Los Angeles',
          release_date: '1999-11-02',
        },
        explicit: true,
        features: expectFeatures({ time_signature: 4, key: 11 }),
      },
    },
  },
  'spotify-features': {
    format: 'spotify-features',
    contentType: 'text/csv',
    body: [
      'genre,artist_name,track_name,track_id,popularity,acousticness,danceability,duration_ms,energy,instrumentalness,key,liveness,loudness,mode,speechiness,tempo,time_signature,valence',
      "Movie,Henri Salvador,C'est beau de faire un Show,0BRjO6ga9RKCKjfDqeFgWV,0,0.611,0.389,99373,0.91,0,C#,0.346,-1.828,Major,0.0525,166.969,4/4,0.814",
      "Movie,Martin & les fées,Perdu d'avance (par Gad Elmaleh),0BjC1NfoEOOusryehmNudP,1,0.246,0.59,137373,0.737,0,F#,0.151,-5.559,Minor,0.0868,174.003,4/4,0.816",
      "Jazz,Martin & les fées,Perdu d'avance (par Gad Elmaleh),0BjC1NfoEOOusryehmNudP,1,0.246,0.59,137373,0.737,0,F#,0.151,-5.559,Minor,0.0868,174.003,4/4,0.816",
      'Movie,Bad Key,Bad,0CCCCCCCCCCCCCCCCCCCCC,1,0.246,0.59,137373,0.737,0,H,0.151,-5.559,Minor,0.0868,174.003,4/4,0.816',
    ].join('\n'),
    rows: 4,
    tracks: 2,
    skippedLines: [5],
    check: {
      id: '0BjC1NfoEOOusryehmNudP',
      expected: {
        artists: [{ id: null, name: 'Martin & les fées' }],
        genres: ['jazz', 'movie'],
        features: expectFeatures({ key: 6, mode: 0, time_signature: 4 }),
      },
    },
  },
  json: {
    format: 'json',
    contentType: 'application/json',
    body: JSON.stringify({
      tracks: [
        {
          ...AUDIO_FEATURES_OBJECT,
          type: 'audio_features',
        },
        {
          id: '1301WleyT98MSxVHPZCA6M',
          name: 'Numb',
          artists: [{ id: '6XyY86QOPPrYVGvF9ch6wz', name: 'Linkin Park' }],
          danceability: 0.496,
          energy: 0.863,
        },
        { danceability: 0.5 },
      ],
    }),
    rows: 3,
    tracks: 2,
    skippedLines: [3],
    check: {
      id: '1301WleyT98MSxVHPZCA6M',
      expected: {
        name: 'Numb',
        artists: [{ id: '6XyY86QOPPrYVGvF9ch6wz', name: 'Linkin Park' }],
        features: expectFeatures({
          danceability: 0.496,
          energy: 0.863,
          key: null,
          time_signature: null,
        }),
      },
    },
  },
  ndjson: {
    format: 'ndjson',
    contentType: 'application/x-ndjson',
    body: [
      JSON.stringify(AUDIO_FEATURES_OBJECT),
      JSON.stringify({
        id: '3n3Ppam7vgaVa1iaRUc9Lp',
        name: 'Mr. Brightside',
        artists: [{ id: '0C0XlULifJtAgn6ZNCW2eu', name: 'The Killers' }],
        album: { id: '4OHNH3sDzIxnmUADXzv2kT', name: 'Hot Fuss', release_date: '2004-06-15' },
        popularity: 87,
        explicit: false,
        audio_features: {
          danceability: 0.352,
          energy: 0.911,
          key: 1,
          loudness: -5.23,
          mode: 1,
          speechiness: 0.0747,
          acousticness: 0.00121,
          instrumentalness: 0,
          liveness: 0.0995,
          valence: 0.236,
          tempo: 148.033,
          duration_ms: 222973,
          time_signature: 4,
        },
      }),
      '{not json',
      '',
      JSON.stringify({ id: '5ghIJDpPoe3CfHMGu71E6T', energy: 2 }),
    ].join('\n'),
    rows: 4,
    tracks: 2,
    skippedLines: [3, 5],
    check: {
      id: '3n3Ppam7vgaVa1iaRUc9Lp',
      expected: {
        name: 'Mr. Brightside',
        album: {
          id: '4OHNH3sDzIxnmUADXzv2kT',
          name: 'Hot Fuss',
          release_date: '2004-06-15',
        },
        popularity: 87,
        explicit: false,
        features: expectFeatures({ tempo: 148.033, time_signature: 4 }),
      },
    },
  },
};

/** pandas `DataFrame.to_json()` of the JSON case's first track. */
export function pandasColumnsBody(): string {
  const { tracks } = JSON.parse(CATALOG_FILES.json.body) as { tracks: Record<string, unknown>[] };
  return JSON.stringify(toPandasColumns(tracks.slice(0, 1)));
}

function expectFeatures(features: Record<string, number | null>): unknown {
  return expect.objectContaining(features);
}
