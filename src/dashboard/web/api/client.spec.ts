import { uploadHeaders } from './client';

describe('uploadHeaders', () => {
  it.each([
    ['tracks.csv', { 'Content-Type': 'text/csv' }],
    ['TRACKS.CSV', { 'Content-Type': 'text/csv' }],
    ['features.ndjson', { 'Content-Type': 'application/x-ndjson' }],
    ['features.jsonl', { 'Content-Type': 'application/x-ndjson' }],
    ['tracks.json', { 'Content-Type': 'application/json' }],
    ['tracks_features.csv.gz', { 'Content-Type': 'text/csv', 'Content-Encoding': 'gzip' }],
    ['features.ndjson.gz', { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip' }],
    // Anything else goes as CSV: the service recognises the format from the first line.
    ['export.txt', { 'Content-Type': 'text/csv' }],
  ])('sends %s with %j', (name, headers) => {
    expect(uploadHeaders(name)).toEqual(headers);
  });
});
