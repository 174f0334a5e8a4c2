import { Injectable, PipeTransform } from '@nestjs/common';
import type { ParsedTracks } from '../common/tracks';
import { CatalogHarvester } from './catalog-harvester';

/**
 * Put after a route's TracksBodyPipe (`@Body(new TracksBodyPipe(), HarvestTracksPipe)`): offers the
 * validated tracks to the catalog's harvest and passes them on unchanged. The offer runs once the
 * current turn of the event loop is over, after a synchronous answer has been written, so it never
 * holds the call up; the harvester writes later still, in batches, and never throws.
 */
@Injectable()
export class HarvestTracksPipe implements PipeTransform<ParsedTracks<never>, ParsedTracks<never>> {
  constructor(private readonly harvester: CatalogHarvester) {}

  /** Any route's tracks, whatever features it requires: a feature a track lacks is stored as null. */
  transform<Parsed extends ParsedTracks<never>>(parsed: Parsed): Parsed {
    setImmediate(() => this.harvester.offer(parsed.tracks));
    return parsed;
  }
}
