import { AppError } from '../errors';
import { assertJsonDepth, MAX_JSON_DEPTH } from './json-depth';

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
