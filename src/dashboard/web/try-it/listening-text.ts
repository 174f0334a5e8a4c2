/**
 * A listening history as the user gave it (pasted, typed or read from a file), checked just enough to
 * send it: whether it is one JSON value or JSON Lines, and where a syntax error is. Which of the many
 * accepted shapes it holds (audio features, ids, Spotify answers, exports, ListenBrainz listens) is
 * for the service to recognise; its 400 names each bad row by path.
 */

export const JSON_TYPE = 'application/json';
/** What the service reads JSON Lines as (one value a line). */
export const JSON_LINES_TYPE = 'application/x-ndjson';

export type ListeningText =
  | {
      ok: true;
      format: 'json' | 'jsonl';
      /** The text to send as is: never re-serialised, which would only add work on a large file. */
      text: string;
      contentType: string;
      /** The parsed value (JSON Lines: an array of the lines' values), for the charts. */
      value: unknown;
      /** Rows at the top level where they can be counted without knowing the shape (an array, lines). */
      lines?: number;
    }
  | { ok: false; message: string };

/** Where a syntax error sits, as an editor shows it (both from 1). */
export interface TextPosition {
  line: number;
  column: number;
}

/**
 * Reads the text as one JSON value, or else as JSON Lines: the first value ends on its line and more
 * follow on later lines (a JSON text cannot hold two values, so the two never overlap). Anything
 * else is a syntax error located by line and column.
 */
export function readListeningText(text: string): ListeningText {
  if (text.trim() === '')
    return { ok: false, message: 'There is nothing to send: paste or drop a history.' };
  try {
    const value = JSON.parse(text) as unknown;
    return {
      ok: true,
      format: 'json',
      text,
      contentType: JSON_TYPE,
      value,
      lines: Array.isArray(value) ? value.length : undefined,
    };
  } catch (caught) {
    const offset = syntaxErrorOffset(text) ?? text.length;
    if (startsJsonLines(text, offset)) return readJsonLines(text);
    return { ok: false, message: `Not valid JSON at ${where(text, offset)}: ${reason(caught)}.` };
  }
}

/**
 * The error is a second value where JSON allows none, the first value whole on one line and the
 * second on a later one. (Pretty-printed values one after another are no JSON Lines: their error is
 * reported as JSON's.)
 */
function startsJsonLines(text: string, offset: number): boolean {
  const first = text.slice(0, offset).trim();
  return (
    first !== '' &&
    !first.includes('\n') &&
    /\n\s*$/.test(text.slice(0, offset)) &&
    syntaxErrorOffset(first) === undefined
  );
}

function readJsonLines(text: string): ListeningText {
  const values: unknown[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line) as unknown);
    } catch (caught) {
      const column = (syntaxErrorOffset(line) ?? line.length) + 1;
      return {
        ok: false,
        message: `Not valid JSON Lines at line ${index + 1}, column ${column}: ${reason(caught)}.`,
      };
    }
  }
  return {
    ok: true,
    format: 'jsonl',
    text,
    contentType: JSON_LINES_TYPE,
    value: values,
    lines: values.length,
  };
}

/** The engine's words without the position (given as line and column instead) or an echo of the text. */
function reason(caught: unknown): string {
  const message = caught instanceof Error ? caught.message : String(caught);
  return message
    .replace(/\s*in JSON at position \d+.*$/s, '')
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/^Unexpected end of JSON input$/, 'the text ends inside a value');
}

/** Line and column (from 1) of an offset in the text. */
export function positionOf(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

function where(text: string, offset: number): string {
  const { line, column } = positionOf(text, offset);
  return `line ${line}, column ${column}`;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * The offset of the first character that makes the text invalid JSON (its length when the text ends
 * inside a value), or undefined when it is valid. The browser's JSON.parse names a position for only
 * some errors, so the position is found here; iterative, so a deeply nested text cannot overflow.
 */
export function syntaxErrorOffset(text: string): number | undefined {
  let i = 0;
  const open: string[] = [];
  const skipSpace = () => {
    while (i < text.length && WHITESPACE.has(text[i])) i++;
  };
  /** Past a string starting at i; false at the offending character. */
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    while (i < text.length) {
      const char = text[i];
      if (char === '"') {
        i++;
        return true;
      }
      if (char < ' ') return false;
      if (char === '\\') {
        const escaped = text[i + 1];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
          continue;
        }
        if (!ESCAPES.has(escaped)) return false;
        i += 2;
        continue;
      }
      i++;
    }
    return false;
  };
  /** Past a key and its colon, onto the value. */
  const key = (): boolean => {
    skipSpace();
    if (!string()) return false;
    skipSpace();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };

  skipSpace();
  for (;;) {
    // A value starts at i.
    skipSpace();
    const char = text[i];
    if (char === '{' || char === '[') {
      i++;
      skipSpace();
      const close = char === '{' ? '}' : ']';
      if (text[i] !== close) {
        open.push(close);
        if (char === '{' && !key()) return i;
        continue;
      }
      i++;
    } else if (char === '"') {
      if (!string()) return i;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) return i;
      i = NUMBER.lastIndex;
    } else {
      const literal = LITERALS.find((word) => text.startsWith(word, i));
      if (!literal) return i;
      i += literal.length;
    }
    // After a value: a comma, a closing bracket, or the end of the text.
    for (;;) {
      skipSpace();
      if (open.length === 0) return i < text.length ? i : undefined;
      const close = open[open.length - 1];
      if (text[i] === close) {
        open.pop();
        i++;
        continue;
      }
      if (text[i] !== ',') return i;
      i++;
      if (close === '}' && !key()) return i;
      break;
    }
  }
}
