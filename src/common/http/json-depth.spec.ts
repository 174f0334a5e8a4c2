import { AppError } from '../errors';
import { assertJsonContainers, assertJsonDepth, MAX_JSON_DEPTH } from './json-depth';

const nested = (depth: number, open: string, close: string, inner = '1') =>
  JSON.parse(open.repeat(depth) + inner + close.repeat(depth)) as unknown;

describe('assertJsonDepth', () => {
  it('accepts values nested up to the limit, arrays and objects alike', () => {
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH, '[', ']'))).not.toThrow();
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH, '{"a":', '}'))).not.toThrow();
    expect(() => assertJsonDepth({ tracks: [{ id: 'x', energy: 0.5 }], n: null })).not.toThrow();
  });

  it('refuses one level more, and 100,000 levels, with 400 JSON_TOO_DEEP (no stack overflow)', () => {
    for (const value of [
      nested(MAX_JSON_DEPTH + 1, '[', ']'),
      nested(MAX_JSON_DEPTH + 1, '{"a":', '}'),
      nested(100_000, '[', ']', ''),
    ]) {
      let thrown: unknown;
      try {
        assertJsonDepth(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AppError);
      expect(thrown).toMatchObject({ status: 400, code: 'JSON_TOO_DEEP' });
    }
  });
});

describe('assertJsonContainers', () => {
  const emptyObjects = (count: number) => `[${'{},'.repeat(count - 1)}{}]`;

  it('counts the arrays and objects of the text, not braces inside strings', () => {
    expect(() => assertJsonContainers(emptyObjects(9), 10)).not.toThrow();
    expect(() => assertJsonContainers(emptyObjects(10), 10)).toThrow(
      expect.objectContaining({ status: 400, code: 'JSON_TOO_LARGE' }),
    );
    const braces = JSON.stringify(['{[{[\\"{'.repeat(50)]);
    expect(() => assertJsonContainers(braces, 10)).not.toThrow();
  });

  it('refuses a 12 MB body of empty objects before it is parsed', () => {
    expect(() => assertJsonContainers(emptyObjects(4_000_000))).toThrow(
      expect.objectContaining({ code: 'JSON_TOO_LARGE' }),
    );
  });
});
