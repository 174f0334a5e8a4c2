import type { CatalogIndex } from '../catalog-index/catalog-index';
import type { ArtistProfiles } from './artist-profiles';

/**
 * What a catalog that knows playlists could tell about artists: how many playlists hold their
 * tracks, and how many they share. The catalog stores no playlist membership yet, so no source
 * exists today (see coMembershipOf); where one does, it is one more term of the score.
 */
export interface ArtistCoMembership {
  /** Distinct playlists holding a track of any of `artists`. */
  playlistsOf(artists: readonly number[]): number;
  /** Per other artist sharing a playlist with any of `artists`: how many playlists they share. */
  sharedPlaylists(artists: readonly number[]): Map<number, number>;
}

/**
 * The playlist co-membership a catalog index knows: none today, as no import stores playlists.
 * The one place to return a source once the index holds playlist membership.
 */
export function coMembershipOf(_index: CatalogIndex): ArtistCoMembership | null {
  return null;
}

/**
 * Weights of the terms, each a similarity from 0 to 1. Genres and sound count alike; sharing
 * playlists, where known, counts as much as both: it is what listeners put together, the nearest
 * the catalog comes to the co-listening Spotify's own related artists were drawn from.
 */
export const RELATEDNESS_WEIGHTS = { genres: 1, sound: 1, playlists: 2 } as const;

export interface RelatedArtist {
  artist: number;
  /** The weighted mean of the terms present, 0–1. */
  score: number;
  genres: number;
  sound: number;
  /** Null where the catalog knows no playlists. */
  playlists: number | null;
}

/**
 * The artists most related to `group` (one artist, or the artists one name stands for), best first:
 * every other artist with live tracks is scored against the group's pooled profile, and the `limit`
 * best kept. Ties go to the artist with more tracks, then by name, then by id, so the same catalog
 * always gives the same answer. `exclude` (the group and its namesakes) never appears.
 */
export function rankRelatedArtists(
  index: CatalogIndex,
  profiles: ArtistProfiles,
  group: readonly number[],
  exclude: ReadonlySet<number>,
  coMembership: ArtistCoMembership | null,
  limit: number,
): RelatedArtist[] {
  const query = profiles.profileOf(group);
  const artists = profiles.artistCount;

  // Genre cosine, accumulated over the artists carrying each of the group's genres.
  const genreScore = new Float64Array(artists);
  for (const [genre, weight] of query.genres) {
    for (let i = profiles.carrierStart[genre]; i < profiles.carrierStart[genre + 1]; i++) {
      genreScore[profiles.carrierIds[i]] += weight * profiles.carrierWeights[i];
    }
  }
  let playlistScore: ((artist: number) => number) | undefined;
  if (coMembership) {
    const shared = coMembership.sharedPlaylists(group);
    const own = coMembership.playlistsOf(group);
    playlistScore = (artist) => {
      const both = shared.get(artist) ?? 0;
      return both === 0 ? 0 : both / Math.sqrt(own * coMembership.playlistsOf([artist]));
    };
  }
  const totalWeight =
    RELATEDNESS_WEIGHTS.genres +
    RELATEDNESS_WEIGHTS.sound +
    (coMembership ? RELATEDNESS_WEIGHTS.playlists : 0);

  const best: RelatedArtist[] = [];
  const before = (a: RelatedArtist, b: RelatedArtist): boolean => {
    if (a.score !== b.score) return a.score > b.score;
    const tracks = profiles.tracks[a.artist] - profiles.tracks[b.artist];
    if (tracks !== 0) return tracks > 0;
    const x = index.artist(a.artist);
    const y = index.artist(b.artist);
    if (x.name !== y.name) return x.name < y.name;
    return (x.id ?? '') < (y.id ?? '') || ((x.id ?? '') === (y.id ?? '') && a.artist < b.artist);
  };
  for (let artist = 0; artist < artists; artist++) {
    if (profiles.tracks[artist] === 0 || exclude.has(artist)) continue;
    const genres = Math.min(1, genreScore[artist]);
    const sound = profiles.soundSimilarity(query.sound, artist);
    const playlists = playlistScore ? playlistScore(artist) : null;
    const score =
      (RELATEDNESS_WEIGHTS.genres * genres +
        RELATEDNESS_WEIGHTS.sound * sound +
        (playlists === null ? 0 : RELATEDNESS_WEIGHTS.playlists * playlists)) /
      totalWeight;
    if (best.length === limit && score < best[limit - 1].score) continue;
    const candidate = { artist, score, genres, sound, playlists };
    if (best.length === limit && !before(candidate, best[limit - 1])) continue;
    // Insertion into the short sorted list of the best so far.
    let at = best.length;
    while (at > 0 && before(candidate, best[at - 1])) at--;
    best.splice(at, 0, candidate);
    if (best.length > limit) best.pop();
  }
  return best;
}
