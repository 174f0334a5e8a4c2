import { Injectable, mixin, type PipeTransform, type Type } from '@nestjs/common';
import type { AudioFeature, ListeningTracks, TracksBodyOptions } from '../common/tracks';
import { ListeningReader } from './listening-reader';

/**
 * The pipe of a route that takes tracks: `@Body(ListeningBodyPipe(OPTIONS))`, where OPTIONS names
 * the features the route requires (the same object its ApiTracksBody documents). The body may be
 * any listening shape; see ListeningReader. A class per route (Nest's mixin), so that Nest injects
 * the reader into a pipe that carries the route's options.
 */
export function ListeningBodyPipe<Needed extends AudioFeature>(
  options: TracksBodyOptions<Needed>,
): Type<PipeTransform<unknown, ListeningTracks<Needed>>> {
  @Injectable()
  class RouteListeningBodyPipe implements PipeTransform<unknown, ListeningTracks<Needed>> {
    constructor(private readonly reader: ListeningReader) {}

    transform(body: unknown): ListeningTracks<Needed> {
      return this.reader.read(body, options);
    }
  }
  return mixin(RouteListeningBodyPipe);
}
