import type { CatalogAlbum, CatalogArtist, CatalogTrackRecord } from '../../catalog/catalog-track';
import { normaliseArtist } from '../../common/listening/name-key';
import { Dictionary } from './dictionary';
import type { SnapshotParts } from './snapshot-parts';

/** Key spaces of the artist dictionary: by Spotify id, and name-only artists by name. */
const ARTIST_BY_ID = 0;
const ARTIST_BY_NAME = 1;
const NAME_KEY = 1;

/** Genre and artist names as a seed may write them: case, hyphens and spacing do not matter. */
function normaliseName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

/**
 * The catalog's artists, albums and genres as dense ids: what each id stands for, how many live
 * tracks use it, and how a seed may name it.
 */
export class CatalogVocabulary {
  artists = new Dictionary();
  albums = new Dictionary();
  genres = new Dictionary();
  private artistInfo: CatalogArtist[] = [];
  private readonly artistsByName = new Map<string, number[]>();
  /** Artists by their name's listening key (normaliseArtist), made on first use. */
  private artistsByNameKey?: Map<string, number[]>;
  private albumInfo: CatalogAlbum[] = [];
  private genreNames: string[] = [];
  private readonly genresByName = new Map<string, number[]>();

  saveTo(parts: SnapshotParts): void {
    this.artists.saveTo(parts, 'artists');
    this.albums.saveTo(parts, 'albums');
    this.genres.saveTo(parts, 'genres');
    parts.meta.artistInfo = this.artistInfo.map((artist) => [artist.id, artist.name]);
    parts.meta.albumInfo = this.albumInfo.map((album) => [
      album.id,
      album.name,
      album.release_date,
      album.year,
    ]);
    parts.meta.genreNames = this.genreNames;
  }

  static loadFrom(parts: SnapshotParts): CatalogVocabulary {
    const vocabulary = new CatalogVocabulary();
    vocabulary.artists = Dictionary.loadFrom(parts, 'artists');
    vocabulary.albums = Dictionary.loadFrom(parts, 'albums');
    vocabulary.genres = Dictionary.loadFrom(parts, 'genres');
    vocabulary.artistInfo = parts
      .value<[string | null, string][]>('artistInfo')
      .map(([id, name]) => ({ id, name }));
    vocabulary.artistInfo.forEach((artist, i) =>
      addTo(vocabulary.artistsByName, normaliseName(artist.name), i),
    );
    vocabulary.albumInfo = parts
      .value<[string | null, string | null, string | null, number | null][]>('albumInfo')
      .map(([id, name, release_date, year]) => ({ id, name, release_date, year }));
    vocabulary.genreNames = parts.value<string[]>('genreNames');
    vocabulary.genreNames.forEach((genre, i) =>
      addTo(vocabulary.genresByName, normaliseName(genre), i),
    );
    return vocabulary;
  }

  internArtist(artist: CatalogArtist): number {
    const id =
      artist.id !== null
        ? this.artists.intern(artist.id, ARTIST_BY_ID)
        : this.artists.intern(artist.name, ARTIST_BY_NAME);
    if (id >= 0) return id;
    this.artistInfo[-1 - id] = { id: artist.id, name: artist.name };
    addTo(this.artistsByName, normaliseName(artist.name), -1 - id);
    if (this.artistsByNameKey) addTo(this.artistsByNameKey, normaliseArtist(artist.name), -1 - id);
    return -1 - id;
  }

  /** An album without an id is its name and date by its first artist. */
  internAlbum(record: CatalogTrackRecord): number {
    const { album } = record;
    const id =
      album.id !== null
        ? this.albums.intern(album.id)
        : this.albums.intern(
            `${album.name}\u0001${album.release_date}\u0001${record.artists[0]?.name}`,
            NAME_KEY,
          );
    if (id >= 0) return id;
    this.albumInfo[-1 - id] = { ...album };
    return -1 - id;
  }

  internGenre(genre: string): number {
    const id = this.genres.intern(genre);
    if (id >= 0) return id;
    this.genreNames[-1 - id] = genre;
    addTo(this.genresByName, normaliseName(genre), -1 - id);
    return -1 - id;
  }

  artist(artist: number): CatalogArtist {
    return this.artistInfo[artist];
  }

  album(album: number): CatalogAlbum {
    return this.albumInfo[album];
  }

  genreName(genre: number): string {
    return this.genreNames[genre];
  }

  /** Artists matching a seed: by Spotify id, else by name (case-insensitive), with live tracks. */
  findArtists(idOrName: string): number[] {
    const byId = this.artists.get(idOrName, ARTIST_BY_ID);
    const found =
      byId !== undefined ? [byId] : (this.artistsByName.get(normaliseName(idOrName)) ?? []);
    return found.filter((artist) => this.artists.trackCount(artist) > 0);
  }

  /** Whether an artist with this Spotify id has live tracks. */
  hasArtistId(id: string): boolean {
    const artist = this.artists.get(id, ARTIST_BY_ID);
    return artist !== undefined && this.artists.trackCount(artist) > 0;
  }

  /** Whether an artist whose name has this listening key (normaliseArtist) has live tracks. */
  hasArtistNameKey(key: string): boolean {
    if (!this.artistsByNameKey) {
      this.artistsByNameKey = new Map();
      this.artistInfo.forEach((artist, i) =>
        addTo(this.artistsByNameKey!, normaliseArtist(artist.name), i),
      );
    }
    const artists = this.artistsByNameKey.get(key) ?? [];
    return artists.some((artist) => this.artists.trackCount(artist) > 0);
  }

  /** Genres matching a seed (case, hyphens and spacing ignored), with live tracks. */
  findGenres(name: string): number[] {
    return (this.genresByName.get(normaliseName(name)) ?? []).filter(
      (genre) => this.genres.trackCount(genre) > 0,
    );
  }

  /** Estimated bytes: strings at V8's size for one-byte strings, ~40 bytes a Map entry or small object. */
  get bytes(): number {
    const text = (value: string | null) =>
      value === null ? 8 : 8 + 16 + Math.ceil(value.length / 8) * 8;
    return (
      this.artists.tableBytes +
      this.albums.tableBytes +
      this.genres.tableBytes +
      this.artistInfo.reduce((sum, a) => sum + text(a.id) + text(a.name) + 40, 0) +
      this.albumInfo.reduce(
        (sum, a) => sum + text(a.id) + text(a.name) + text(a.release_date) + 56,
        0,
      ) +
      this.genreNames.reduce((sum, name) => sum + text(name) + 40, 0)
    );
  }
}

function addTo(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}
