import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { sharedDataPath } from '../../../../test/helpers/shared-data';
import { JSON_LINES_TYPE, JSON_TYPE, readListeningText, syntaxErrorOffset } from './listening-text';

describe('the dashboard reads a pasted or dropped history just enough to send it', () => {
  it('sends one JSON value as JSON, its text untouched', () => {
    const text = '[\n  "3YBZIN3rekqsKxbJc9FZko",\n  "spotify:track:04g1aQFzaegB7ovWaMMIzz"\n]\n';
    const read = readListeningText(text);
    expect(read).toEqual({
      ok: true,
      format: 'json',
      text,
      contentType: JSON_TYPE,
      value: ['3YBZIN3rekqsKxbJc9FZko', 'spotify:track:04g1aQFzaegB7ovWaMMIzz'],
      lines: 2,
    });
    // An object (a Spotify answer, ListenBrainz's payload) has no row count the page could know.
    expect(readListeningText('{"items": []}')).toMatchObject({ ok: true, format: 'json' });
    expect(readListeningText('{"items": []}')).not.toHaveProperty('lines', expect.anything());
  });

  it('sends JSON Lines (one value a line, blank lines and CRLF allowed) as application/x-ndjson', () => {
    const text = readFileSync(sharedDataPath('exports/listenbrainz-listens.jsonl'), 'utf8');
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    const read = readListeningText(text);
    expect(read).toMatchObject({ ok: true, format: 'jsonl', text, contentType: JSON_LINES_TYPE });
    expect(read.ok && read.value).toEqual(lines.map((line) => JSON.parse(line) as unknown));
    expect(read.ok && read.lines).toBe(lines.length);

    expect(readListeningText('{"a": 1}\r\n\r\n{"b": 2}\r\n')).toMatchObject({
      ok: true,
      format: 'jsonl',
      value: [{ a: 1 }, { b: 2 }],
    });
    // A single line is plain JSON.
    expect(readListeningText('{"a": 1}\n')).toMatchObject({ format: 'json' });
  });

  it.each([
    ['a trailing comma', '[\n  {"id": "x"},\n]', 'line 3, column 1'],
    ['a missing colon', '{\n  "items" []\n}', 'line 2, column 11'],
    ['a bare word', '[\n  abc\n]', 'line 2, column 3'],
    ['a text that stops inside a value', '[{"id": "x"}', 'line 1, column 13'],
    ['a raw line break in a string', '{"id": "a\nb"}', 'line 1, column 10'],
    ['two pretty-printed values one after another', '[\n1\n]\n[2]', 'line 4, column 1'],
  ])('reports %s as JSON with its line and column', (_name, text, position) => {
    const read = readListeningText(text);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.message).toMatch(new RegExp(`^Not valid JSON at ${position}: \\S`));
  });

  it('reports a bad line of JSON Lines by its line number', () => {
    const read = readListeningText('{"a": 1}\n{"b": 2}\n{"c": }\n');
    expect(!read.ok && read.message).toMatch(/^Not valid JSON Lines at line 3, column 7: /);
  });

  it('does not echo the text back in the message (a 30 MB file would be in it)', () => {
    const read = readListeningText(`[${'"x",'.repeat(1000)} nope]`);
    expect(!read.ok && read.message.length).toBeLessThan(120);
  });

  it('refuses an empty text without a request', () => {
    expect(readListeningText('  \n ')).toMatchObject({ ok: false, message: expect.any(String) });
  });

  it('finds no error where JSON.parse finds none, and one where it throws', () => {
    const anyJson = fc.json().map((json) => json);
    fc.assert(fc.property(anyJson, (json) => syntaxErrorOffset(json) === undefined));
    const mangled = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\n'))
      .map(([json, at, insert]) => {
        const cut = at % (json.length + 1);
        return json.slice(0, cut) + insert + json.slice(cut + (insert === '' ? 1 : 0));
      });
    fc.assert(
      fc.property(mangled, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(syntaxErrorOffset(text) === undefined).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });

  it('scans a deeply nested text without overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(syntaxErrorOffset(deep)).toBeUndefined();
    expect(syntaxErrorOffset(`${deep.slice(0, -1)}}`)).toBe(deep.length - 1);
  });
});
