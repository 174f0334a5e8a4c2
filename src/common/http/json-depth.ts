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

/**
 * The most arrays and objects a JSON body may hold: a whole 50,000-play listening export holds some
 * 250,000 (ListenBrainz listens, the most nested, about five each). A body of the size BODY_LIMIT
 * admits could otherwise hold millions of empty `{}`, each some 60 bytes once parsed: a few hundred
 * such requests at once would take gigabytes.
 */
export const MAX_JSON_CONTAINERS = 1_000_000;

/**
 * Throws 400 JSON_TOO_LARGE when the JSON text opens more than `max` arrays and objects, counted on
 * the text before it is parsed (outside strings); a text shorter than 2 × max characters cannot.
 */
export function assertJsonContainers(text: string, max = MAX_JSON_CONTAINERS): void {
  if (text.length <= 2 * max) return;
  let containers = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if ((c === OPEN_BRACE || c === OPEN_BRACKET) && ++containers > max) {
      throw new AppError(
        400,
        'JSON_TOO_LARGE',
        `The request body holds more than ${max} JSON arrays and objects.`,
        { max_containers: max },
      );
    }
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
