import { Injectable } from '@nestjs/common';
import type { ListenerCredits } from './artist-credits.pipe';
import type {
  FavouriteArtistDto,
  FavouriteArtistsResponseDto,
} from './dto/favourite-artists-response.dto';

const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

@Injectable()
export class ArtistsService {
  /**
   * The listener's top artists by number of tracks (or plays, for a listening history): a track
   * counts once for each distinct artist it credits; an artist known by name only (no id) is one
   * artist per name, case aside. Most first; ties by name (case- and accent-insensitive), then by
   * id. Where plays say how long they lasted, each artist also gets its listening time.
   */
  favouriteArtists(credits: ListenerCredits, limit: number): FavouriteArtistsResponseDto {
    const { tracks } = credits;
    const artists = new Map<string, FavouriteArtistDto>();
    for (const track of tracks) {
      for (const artist of track.artists) {
        const key = artist.id ?? `name:${artist.name.toLowerCase()}`;
        let entry = artists.get(key);
        if (!entry) {
          entry = {
            artist_id: artist.id,
            artist_name: artist.name,
            href: artist.href,
            counter: 0,
            ms_played: null,
          };
          artists.set(key, entry);
        }
        entry.counter += 1;
        entry.href ??= artist.href;
        if (track.msPlayed !== undefined) entry.ms_played = (entry.ms_played ?? 0) + track.msPlayed;
      }
    }
    const ranked = [...artists.values()].sort(
      (a, b) =>
        b.counter - a.counter ||
        byName.compare(a.artist_name, b.artist_name) ||
        compareIds(a.artist_id, b.artist_id),
    );
    return {
      artists: ranked.slice(0, limit),
      total_tracks: tracks.length,
      resolved: credits.resolved,
      skipped: credits.skipped,
    };
  }
}

/** Ids in byte order, artists known by name only last. */
function compareIds(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
