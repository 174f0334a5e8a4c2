import { Injectable } from '@nestjs/common';
import type { CatalogIndex } from '../catalog-index/catalog-index';
import { CatalogIndexRef } from '../catalog-index/catalog-index-ref';
import { SPOTIFY_API, type TrackView } from '../catalog/catalog-track';
import { AUDIO_FEATURES } from '../common/tracks/audio-features';
import { loadedIndex } from './catalog-ready';
import type { AudioFeaturesObjectDto } from './dto/audio-features-response.dto';
import { TrackNotFoundError } from '../catalog/catalog.errors';

/**
 * Spotify's closed track lookups, answered from the in-memory catalog index: audio features and
 * tracks by id, and the genres a recommendation may be seeded with. Nothing touches the database.
 */
@Injectable()
export class TrackLookupsService {
  constructor(private readonly index: CatalogIndexRef) {}

  /** One entry per id, in order; null where the catalog lacks the track. */
  audioFeatures(ids: readonly string[]): { audio_features: (AudioFeaturesObjectDto | null)[] } {
    const index = loadedIndex(this.index);
    return { audio_features: ids.map((id) => featuresOf(index, id)) };
  }

  audioFeaturesOf(id: string): AudioFeaturesObjectDto {
    const features = featuresOf(loadedIndex(this.index), id);
    if (!features) throw new TrackNotFoundError(id);
    return features;
  }

  tracks(ids: readonly string[]): { tracks: (TrackView | null)[] } {
    const index = loadedIndex(this.index);
    return {
      tracks: ids.map((id) => {
        const slot = index.slotOf(id);
        return slot === undefined ? null : index.trackView(slot);
      }),
    };
  }

  /** The genres of the catalog's live tracks, sorted. */
  genreSeeds(): { genres: string[] } {
    const index = loadedIndex(this.index);
    const genres = new Set<string>();
    for (let genre = 0; genre < index.genreDictionarySize; genre++) {
      if (index.genreTrackCount(genre) > 0) genres.add(index.genreName(genre));
    }
    return { genres: [...genres].sort() };
  }
}

function featuresOf(index: CatalogIndex, id: string): AudioFeaturesObjectDto | null {
  const slot = index.slotOf(id);
  if (slot === undefined) return null;
  const { features } = index.record(slot);
  const object = {} as AudioFeaturesObjectDto;
  for (const feature of AUDIO_FEATURES) object[feature] = features[feature];
  object.type = 'audio_features';
  object.id = id;
  object.uri = `spotify:track:${id}`;
  object.track_href = `${SPOTIFY_API}/tracks/${id}`;
  object.analysis_url = `${SPOTIFY_API}/audio-analysis/${id}`;
  return object;
}
