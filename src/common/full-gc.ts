import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * A full garbage collection, for the one moment a large working set has just become garbage: the
 * catalog index's build at start-up reads a million records and drops them. V8 keeps the pages of
 * such a heap until its next major collection, which a service that has just started and then
 * idles may not run for a long time, so its RSS stays hundreds of MB over what it holds. The
 * collector is asked for here: `--expose-gc` is set and `gc` taken from a throw-away context, so
 * the service's own global object stays as it was (contexts made afterwards, a worker's or a
 * test file's, do get a `gc`; nothing here reads it).
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
