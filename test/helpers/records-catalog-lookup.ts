import type { CatalogTrackRecord } from '../../src/catalog/catalog-track';
import {
  type CatalogLookup,
  CatalogNameIndex,
  type CatalogTrackFacts,
  normaliseArtist,
} from '../../src/common/listening';

/**
 * The resolver's catalog port over plain catalog records (e.g. the shared TidyTuesday sample read by
 * loadTidyTuesday), with the real name index: what the in-memory catalog index will answer.
 */
export class RecordsCatalogLookup implements CatalogLookup {
  private readonly slotById = new Map<string, number>();
  private readonly names: CatalogNameIndex;
  private readonly artistIds = new Set<string>();
  private readonly artistNames = new Set<string>();

  constructor(private readonly records: readonly CatalogTrackRecord[]) {
    this.names = new CatalogNameIndex((slot) => ({
      title: records[slot].name,
      artists: records[slot].artists.map((artist) => artist.name),
    }));
    records.forEach((record, slot) => {
      this.slotById.set(record.id, slot);
      this.names.add(slot);
      for (const artist of record.artists) {
        if (artist.id !== null) this.artistIds.add(artist.id);
        this.artistNames.add(normaliseArtist(artist.name));
      }
    });
  }

  trackById(id: string): CatalogTrackFacts | undefined {
    const slot = this.slotById.get(id);
    return slot === undefined ? undefined : facts(this.records[slot]);
  }

  tracksByName(artistKey: string, titleKey: string): CatalogTrackFacts[] {
    return this.names.find(artistKey, titleKey).map((slot) => facts(this.records[slot]));
  }

  hasArtistId(id: string): boolean {
    return this.artistIds.has(id);
  }

  hasArtistName(artistKey: string): boolean {
    return this.artistNames.has(artistKey);
  }
}

function facts(record: CatalogTrackRecord): CatalogTrackFacts {
  return {
    id: record.id,
    title: record.name,
    artists: record.artists,
    album: record.album.name,
    popularity: record.popularity,
    features: record.features,
  };
}
