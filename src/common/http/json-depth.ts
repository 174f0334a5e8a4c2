import { AppError } from '../errors';

/**
 * The deepest nesting a JSON body may have. Every body the service takes is shallow (a Spotify
 * playlist page, the deepest, nests about seven levels); JSON.parse reads any depth, but the code
 * that walks the parsed value (validation, transformation) recurses, and a body nested thousands
 * deep would overflow its stack.
 */
export const MAX_JSON_DEPTH = 64;

/** Throws 400 JSON_TOO_DEEP when `value` nests deeper than `max` arrays and objects. */
export function assertJsonDepth(value: unknown, max = MAX_JSON_DEPTH): void {
  if (!withinDepth(value, max)) {
    throw new AppError(
      400,
      'JSON_TOO_DEEP',
      `The request body nests arrays and objects deeper than ${max} levels.`,
      { max_depth: max },
    );
  }
}

/** Recursion is bounded by `left`, so it cannot overflow whatever the value. */
function withinDepth(value: unknown, left: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (left === 0) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!withinDepth(item, left - 1)) return false;
    return true;
  }
  for (const key in value) {
    if (!withinDepth((value as Record<string, unknown>)[key], left - 1)) return false;
  }
  return true;
}
