import type { ErrorDetail } from '../errors';
import { joinPath } from '../errors/validation-errors';
import { parsePlayTime } from '../tracks/play-time';

/** The longest name, title or album read; longer text is refused (a real one is far shorter). */
export const MAX_TEXT_LENGTH = 1000;
/** The longest short code read (`reason_end`, `type`, a mood tag's playlist, …). */
export const MAX_CODE_LENGTH = 128;
/**
 * The most problems collected before reading stops: the error lists at most 50 anyway, and a body
 * of a million bad rows must be refused as fast as one of ten.
 */
export const MAX_PROBLEMS = 50;

/** The problems found while reading a body, each naming its field by path. */
export class Problems {
  readonly details: ErrorDetail[] = [];

  add(path: string, message: string): undefined {
    if (this.details.length < MAX_PROBLEMS) this.details.push({ path, message });
    return undefined;
  }

  get full(): boolean {
    return this.details.length >= MAX_PROBLEMS;
  }

  get count(): number {
    return this.details.length;
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: a key such as `constructor` never reads what Object.prototype holds. */
export function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

export const fieldPath = joinPath;

/**
 * Optional text: absent, null and "" (what exports write for "unknown") are no value. Anything but
 * a string, or text over `max` characters, is a problem named by path.
 */
export function readText(
  object: JsonObject,
  key: string,
  path: string,
  problems: Problems,
  max = MAX_TEXT_LENGTH,
): string | undefined {
  const value = own(object, key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return problems.add(fieldPath(path, key), 'must be a string');
  if (value.length > max) {
    return problems.add(fieldPath(path, key), `must be at most ${max} characters long`);
  }
  return value;
}

/** Required text: as readText, and missing is a problem. */
export function requireText(
  object: JsonObject,
  key: string,
  path: string,
  problems: Problems,
  max = MAX_TEXT_LENGTH,
): string | undefined {
  const text = readText(object, key, path, problems, max);
  if (text === undefined && isBlankField(object, key)) {
    problems.add(fieldPath(path, key), 'is required');
  }
  return text;
}

/** A whole number in [min, max]; absent and null are no value. */
export function readInteger(
  object: JsonObject,
  key: string,
  path: string,
  problems: Problems,
  min: number,
  max: number,
): number | undefined {
  const value = own(object, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return problems.add(fieldPath(path, key), 'must be a whole number');
  }
  if (value < min || value > max) {
    return problems.add(fieldPath(path, key), `must be between ${min} and ${max}`);
  }
  return value;
}

export function requireInteger(
  object: JsonObject,
  key: string,
  path: string,
  problems: Problems,
  min: number,
  max: number,
): number | undefined {
  if (isBlankField(object, key)) return problems.add(fieldPath(path, key), 'is required');
  return readInteger(object, key, path, problems, min, max);
}

/** true, false, or no value (absent or null, as older exports write an unknown flag). */
export function readBoolean(
  object: JsonObject,
  key: string,
  path: string,
  problems: Problems,
): boolean | undefined {
  const value = own(object, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    return problems.add(fieldPath(path, key), 'must be true or false');
  return value;
}

const PLAY_TIME_FORMS =
  'must be a date-time such as 2026-03-01T10:01:06Z, "2026-03-01 10:01" (UTC) or epoch milliseconds';

/** A play time as the shared play-time reader takes it (ISO-8601, naive UTC text, epoch ms). */
export function readPlayTime(
  object: JsonObject,
  key: string,
  path: string,
  problems: Problems,
): Date | undefined {
  const value = own(object, key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && value.length > 64) {
    return problems.add(fieldPath(path, key), PLAY_TIME_FORMS);
  }
  return parsePlayTime(value) ?? problems.add(fieldPath(path, key), PLAY_TIME_FORMS);
}

export function requirePlayTime(
  object: JsonObject,
  key: string,
  path: string,
  problems: Problems,
): Date | undefined {
  if (isBlankField(object, key)) return problems.add(fieldPath(path, key), 'is required');
  return readPlayTime(object, key, path, problems);
}

function isBlankField(object: JsonObject, key: string): boolean {
  const value = own(object, key);
  return value === undefined || value === null || value === '';
}
