/**
 * Reads the TidyTuesday `spotify_songs.csv` sample as catalog records and playlists, for the
 * recommendation benchmarks. Kept to this one function so that the catalog's own importer can take
 * its place without touching the benchmarks.
 */
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import type { CatalogTrackRecord } from '../../src/catalog/catalog-track';
import { AUDIO_FEATURES } from '../../src/common/tracks/audio-features';

export interface SamplePlaylist {
  id: string;
  name: string;
  genre: string;
  subgenre: string;
  /** Distinct track ids in file order. */
  trackIds: string[];
}

/**
 * A track's place in one playlist, with the genre labels its rows there carry (a playlist found
 * under two subgenres has rows with either): what a catalog imported from this file knows of it.
 */
export interface SampleMembership {
  trackId: string;
  playlistId: string;
  /** The playlist_genre and playlist_subgenre values of the track's rows in that playlist. */
  labels: string[];
}

export interface Sample {
  /** The catalog records; a record's genres are the labels of every playlist it is in. */
  records: CatalogTrackRecord[];
  playlists: SamplePlaylist[];
  memberships: SampleMembership[];
}

type Row = Record<string, string>;

export function loadTidyTuesday(path: string): Sample {
  const rows = parse<Row>(readFileSync(path), { columns: true, skip_empty_lines: true });
  const number = (text: string | undefined) =>
    text === undefined || text === '' || text === 'NA' ? null : Number(text);
  const records = new Map<string, CatalogTrackRecord>();
  const playlists = new Map<string, SamplePlaylist>();
  const memberships = new Map<string, SampleMembership>();
  for (const row of rows) {
    let record = records.get(row.track_id);
    if (!record) {
      const release = row.track_album_release_date || null;
      record = {
        id: row.track_id,
        name: row.track_name || null,
        artists: row.track_artist ? [{ id: null, name: row.track_artist }] : [],
        album: {
          id: row.track_album_id || null,
          name: row.track_album_name || null,
          release_date: release,
          year: release ? Number(release.slice(0, 4)) : null,
        },
        popularity: number(row.track_popularity),
        explicit: null,
        genres: [],
        features: Object.fromEntries(
          AUDIO_FEATURES.map((feature) => [feature, number(row[feature])]),
        ) as CatalogTrackRecord['features'],
      };
      records.set(row.track_id, record);
    }
    for (const genre of [row.playlist_genre, row.playlist_subgenre]) {
      if (genre && !record.genres.includes(genre)) record.genres.push(genre);
    }
    const key = `${row.track_id} ${row.playlist_id}`;
    let membership = memberships.get(key);
    if (!membership) {
      membership = { trackId: row.track_id, playlistId: row.playlist_id, labels: [] };
      memberships.set(key, membership);
    }
    for (const genre of [row.playlist_genre, row.playlist_subgenre]) {
      if (genre && !membership.labels.includes(genre)) membership.labels.push(genre);
    }
    let playlist = playlists.get(row.playlist_id);
    if (!playlist) {
      playlist = {
        id: row.playlist_id,
        name: row.playlist_name,
        genre: row.playlist_genre,
        subgenre: row.playlist_subgenre,
        trackIds: [],
      };
      playlists.set(row.playlist_id, playlist);
    }
    if (!playlist.trackIds.includes(row.track_id)) playlist.trackIds.push(row.track_id);
  }
  for (const record of records.values()) record.genres.sort();
  return {
    records: [...records.values()],
    playlists: [...playlists.values()],
    memberships: [...memberships.values()],
  };
}
