import { EXAMPLE_TRACK_ID } from '../../catalog/dto/catalog.examples';

/**
 * Examples from the TidyTuesday sample, which a starter catalog holds: Swagger's "Try it out" runs
 * them against a service that imported it.
 */
export const EXAMPLE_TRACK_IDS = `${EXAMPLE_TRACK_ID},0r7CVbZTWZgbTCYdfa2P31,spotify:track:1z1Hg7Vb0AhHDiEmnDE79l`;
/** TidyTuesday credits artists by name only; an artist id works where the catalog has them. */
export const EXAMPLE_ARTIST = 'Ed Sheeran';
