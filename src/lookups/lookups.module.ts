import { Module } from '@nestjs/common';
import { CatalogIndexModule } from '../catalog-index/catalog-index.module';
import { CatalogLookupsController } from './catalog-lookups.controller';
import { RelatedArtistsService } from './related-artists.service';
import { TrackLookupsService } from './track-lookups.service';

/**
 * Spotify's closed lookups (audio features, tracks, genre seeds, related artists), answered from
 * the in-memory catalog index in Spotify's shapes.
 */
@Module({
  imports: [CatalogIndexModule],
  controllers: [CatalogLookupsController],
  providers: [TrackLookupsService, RelatedArtistsService],
})
export class SpotifyLookupsModule {}
