import { Injectable } from '@nestjs/common';
import type { TrackCredits } from './artist-credits.pipe';
import type {
  FavouriteArtistDto,
  FavouriteArtistsResponseDto,
} from './dto/favourite-artists-response.dto';

const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

@Injectable()
export class ArtistsService {
  /**
   * The listener's top artists by number of tracks: a track counts once for each distinct artist it
   * credits. Most tracks first; ties by name (case- and accent-insensitive), then by id.
   */
  favouriteArtists(tracks: TrackCredits[], limit: number): FavouriteArtistsResponseDto {
    const artistsById = new Map<string, FavouriteArtistDto>();
    for (const track of tracks) {
      for (const artist of track.artists) {
        const entry = artistsById.get(artist.id);
        if (entry) {
          entry.counter += 1;
          entry.href ??= artist.href;
        } else {
          artistsById.set(artist.id, {
            artist_id: artist.id,
            artist_name: artist.name,
            href: artist.href,
            counter: 1,
          });
        }
      }
    }
    const ranked = [...artistsById.values()].sort(
      (a, b) =>
        b.counter - a.counter ||
        byName.compare(a.artist_name, b.artist_name) ||
        (a.artist_id < b.artist_id ? -1 : a.artist_id > b.artist_id ? 1 : 0),
    );
    return { artists: ranked.slice(0, limit), total_tracks: tracks.length };
  }
}
