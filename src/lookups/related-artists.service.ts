import { Injectable } from '@nestjs/common';
import type { CatalogIndex } from '../catalog-index/catalog-index';
import { CatalogIndexRef } from '../catalog-index/catalog-index-ref';
import { SPOTIFY_API, SPOTIFY_OPEN } from '../catalog/catalog-track';
import { ValidationFailedError } from '../common/errors';
import { round } from '../common/numeric';
import { ArtistProfiles } from './artist-profiles';
import { coMembershipOf, rankRelatedArtists } from './artist-relatedness';
import { loadedIndex } from './catalog-ready';
import type { RelatedArtistDto } from './dto/related-artists-response.dto';
import { ArtistNotFoundError } from './lookups.errors';

/** Spotify answers 20 related artists. */
export const RELATED_ARTISTS_LIMIT = 20;
const MAX_NAME_LENGTH = 200;
const ARTIST_URI = /^spotify:artist:([0-9A-Za-z]{22})$/;
const ARTIST_LINK =
  /^(?:https?:\/\/)?open\.spotify\.com\/(?:intl-[a-z]{2}(?:-[a-z]{2,4})?\/)?artist\/([0-9A-Za-z]{22})\/?(?:[?#].*)?$/i;

/**
 * Spotify's related artists, from what the catalog knows (see rankRelatedArtists). The artists'
 * profiles are built from the index on first use and kept until the index changes (a new index
 * swapped in, or tracks upserted or removed in place).
 */
@Injectable()
export class RelatedArtistsService {
  /**
   * The profiles of one index, and how many in-place track changes it had made when they were
   * built (CatalogIndex.trackChanges).
   */
  private cached?: { index: CatalogIndex; trackChanges: number; profiles: ArtistProfiles };

  constructor(private readonly index: CatalogIndexRef) {}

  /** By Spotify artist id (or its URI or link), else by name (case, hyphens and spacing ignored). */
  relatedTo(idOrName: string): { artists: RelatedArtistDto[] } {
    const ref = artistRef(idOrName);
    const index = loadedIndex(this.index);
    const group = index.findArtists(ref);
    if (group.length === 0) throw new ArtistNotFoundError(ref);
    // Never the artist itself, under any of its credits: not its namesakes either (an artist an
    // import credits by name and another by id is one artist).
    const exclude = new Set(group);
    for (const artist of group) {
      for (const namesake of index.findArtists(index.artist(artist).name)) exclude.add(namesake);
    }
    const profiles = this.profilesOf(index);
    const ranked = rankRelatedArtists(
      index,
      profiles,
      group,
      exclude,
      coMembershipOf(index),
      RELATED_ARTISTS_LIMIT,
    );
    return {
      artists: ranked.map(({ artist, score, genres, sound, playlists }) => {
        const { id, name } = index.artist(artist);
        return {
          id,
          name,
          uri: id ? `spotify:artist:${id}` : null,
          href: id ? `${SPOTIFY_API}/artists/${id}` : null,
          external_urls: id ? { spotify: `${SPOTIFY_OPEN}/artist/${id}` } : {},
          genres: profiles.genresOf(index, artist),
          type: 'artist',
          relatedness: {
            score: round(score),
            genres: round(genres),
            sound: round(sound),
            playlists: playlists === null ? null : round(playlists),
          },
        };
      }),
    };
  }

  /** The artists' profiles of this index as it is now: built again after a change in place. */
  profilesOf(index: CatalogIndex): ArtistProfiles {
    const cached = this.cached;
    if (cached && cached.index === index && cached.trackChanges === index.trackChanges)
      return cached.profiles;
    const profiles = new ArtistProfiles(index);
    this.cached = { index, trackChanges: index.trackChanges, profiles };
    return profiles;
  }
}

/** The artist a path segment names: an id from a URI or link, else the text itself (id or name). */
function artistRef(text: string): string {
  const value = text.trim();
  if (value === '' || value.length > MAX_NAME_LENGTH) {
    throw ValidationFailedError.field(
      'id',
      `must be a Spotify artist id, a spotify:artist: URI or an artist's name (1 to ${MAX_NAME_LENGTH} characters)`,
    );
  }
  return (ARTIST_URI.exec(value) ?? ARTIST_LINK.exec(value))?.[1] ?? value;
}
