// The module itself, not the common/tracks index: the index's re-exports are getters, and these
// readers run for every cell of an import.
import { AUDIO_FEATURE_RULES, type AudioFeature } from '../../common/tracks/audio-features';

/**
 * Readers for the cell values of the public catalog files. Each returns the value, `null` where the
 * cell holds no value, or throws a BadValue naming what is wrong (the row is then skipped and reported).
 */
export class BadValue extends Error {}

/** What the files write for "no value": empty cells, pandas' NA/NaN, Python's None. */
const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'None', 'null', 'NULL']);

export function isMissing(value: string | undefined | null): boolean {
  if (value === undefined || value === null) return true;
  // Every missing marker but '' is at most four characters and starts with N or n: most cells
  // (numbers, names) skip the set lookup, which hashes the cell.
  if (value.length === 0) return true;
  if (value.length > 4) return false;
  const first = value.charCodeAt(0);
  return (first === N || first === LOWER_N) && MISSING.has(value);
}

const N = 78;
const LOWER_N = 110;

export function text(value: string | undefined): string | null {
  if (isMissing(value)) return null;
  const trimmed = value!.trim();
  return trimmed === '' ? null : trimmed;
}

export function number(field: string, value: string | number | undefined | null): number | null {
  if (typeof value === 'number') return value;
  if (isMissing(value)) return null;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || value!.trim() === '') {
    throw new BadValue(`${field} ${JSON.stringify(value)} is not a number`);
  }
  return parsed;
}

/** Checks a feature against its rule in AUDIO_FEATURE_RULES (4.0 is an integer 4). */
export function checkFeature(feature: AudioFeature, value: number | null): number | null {
  if (value === null) return null;
  const rule = AUDIO_FEATURE_RULES[feature];
  const tooLow = rule.exclusiveMin ? value <= rule.min : value < rule.min;
  if (tooLow || value > rule.max) {
    const low = rule.exclusiveMin ? `> ${rule.min}` : `${rule.min}`;
    throw new BadValue(`${feature} ${value} is out of range (${low} to ${rule.max})`);
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw new BadValue(`${feature} ${value} is not a whole number`);
  }
  return value;
}

const PITCH_CLASSES = new Map<string, number>(
  Object.entries({
    C: 0,
    'B#': 0,
    'C#': 1,
    Db: 1,
    D: 2,
    'D#': 3,
    Eb: 3,
    E: 4,
    Fb: 4,
    F: 5,
    'E#': 5,
    'F#': 6,
    Gb: 6,
    G: 7,
    'G#': 8,
    Ab: 8,
    A: 9,
    'A#': 10,
    Bb: 10,
    B: 11,
    Cb: 11,
  }),
);

const LETTER_A = 65;

/** `key` as Spotify's pitch class (0–11, −1 none) or a note name (`C`, `C#`, `Db` … `B`). */
export function key(value: string | number | undefined | null): number | null {
  // A note name starts with a letter; numbers (most files) skip the lookup.
  if (typeof value === 'string' && value.trimStart().charCodeAt(0) >= LETTER_A) {
    const name = value.trim().replace('♯', '#').replace('♭', 'b');
    const pitch = PITCH_CLASSES.get(name);
    if (pitch !== undefined) return pitch;
  }
  return checkFeature('key', number('key', value));
}

/** `mode` as 0/1 or `Major`/`Minor`. */
export function mode(value: string | number | undefined | null): number | null {
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'major') return 1;
    if (lower === 'minor') return 0;
  }
  return checkFeature('mode', number('mode', value));
}

/** `time_signature` as 4, `4.0` or `4/4` (beats per bar). */
export function timeSignature(value: string | number | undefined | null): number | null {
  if (typeof value === 'string') {
    const fraction = /^\s*(\d+)\s*\/\s*\d+\s*$/.exec(value);
    if (fraction) return checkFeature('time_signature', Number(fraction[1]));
  }
  return checkFeature('time_signature', number('time_signature', value));
}

/** `explicit` as `True`/`False`, `true`/`false` or 0/1. */
export function explicit(value: string | number | boolean | undefined | null): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') value = String(value);
  if (isMissing(value)) return null;
  switch (value!.trim().toLowerCase()) {
    case 'true':
    case '1':
    case '1.0':
      return true;
    case 'false':
    case '0':
    case '0.0':
      return false;
    default:
      throw new BadValue(`explicit ${JSON.stringify(value)} is not true/false or 0/1`);
  }
}

export function popularity(value: string | number | undefined | null): number | null {
  const parsed = number('popularity', value);
  if (parsed === null) return null;
  if (parsed < 0 || parsed > 100 || !Number.isInteger(parsed)) {
    throw new BadValue(`popularity ${parsed} is not a whole number from 0 to 100`);
  }
  return parsed;
}

/** A release date as given (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`) and its year; other text is dropped. */
export function releaseDate(value: string | undefined | null): {
  release_date: string | null;
  year: number | null;
} {
  const given = text(value ?? undefined);
  const match = given ? /^(\d{4})(-\d{2}(-\d{2})?)?/.exec(given) : null;
  if (!match) return { release_date: null, year: null };
  return { release_date: match[0], year: Number(match[1]) };
}

export function year(value: string | number | undefined | null): number | null {
  const parsed = number('year', value);
  if (parsed === null || parsed === 0) return null;
  if (!Number.isInteger(parsed) || parsed < 1000 || parsed > 9999) {
    throw new BadValue(`year ${parsed} is not a four-digit year`);
  }
  return parsed;
}

const BACKSLASH = 92;

/**
 * A Python list literal as pandas writes it into CSV: `['Uli']`, `["Guns N' Roses", 'Slash']`,
 * with backslash escapes inside either quote. A cell that is not a list is one item.
 */
export function pythonList(value: string | undefined | null): string[] {
  if (isMissing(value)) return [];
  const source = value!.trim();
  if (!source.startsWith('[')) return [source];
  const items: string[] = [];
  let i = 1;
  while (i < source.length) {
    const c = source[i];
    if (c === ']') return items;
    if (c === ',' || c === ' ') {
      i += 1;
      continue;
    }
    if (c !== "'" && c !== '"') {
      // A bare item (None, a number): up to the next comma or bracket.
      const end = source.slice(i).search(/[,\]]/);
      const bare = source.slice(i, end < 0 ? undefined : i + end).trim();
      if (bare !== 'None') items.push(bare);
      i = end < 0 ? source.length : i + end;
      continue;
    }
    // Slices between escapes (most items have none), not a string grown a character at a time.
    const quote = source.charCodeAt(i);
    let item = '';
    i += 1;
    let from = i;
    while (i < source.length) {
      const code = source.charCodeAt(i);
      if (code === quote) break;
      if (code === BACKSLASH && i + 1 < source.length) {
        const escaped = source[i + 1];
        item += source.slice(from, i) + (escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped);
        i += 2;
        from = i;
      } else {
        i += 1;
      }
    }
    if (i >= source.length) throw new BadValue(`unterminated list ${JSON.stringify(value)}`);
    item += source.slice(from, i);
    items.push(item);
    i += 1;
  }
  throw new BadValue(`unterminated list ${JSON.stringify(value)}`);
}

/** Several artists in one cell, as the 114k dataset writes them: `Ingrid Michaelson;ZAYN`. */
export function semicolonList(value: string | undefined | null): string[] {
  if (isMissing(value)) return [];
  return value!
    .split(';')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
