import { useRef, useState } from 'preact/hooks';
import { api, type ImportOptions } from '../api/client';
import type { CatalogFormat, CatalogImport } from '../api/types';
import { useAdminKey } from '../components/admin-key';
import { ErrorMessage } from '../components/error-message';
import { useAction } from '../components/use-action';

/** The formats an import reads (the type checks each name against the service's own list). */
const FORMATS: { value: CatalogFormat; label: string }[] = [
  { value: 'tidytuesday', label: 'TidyTuesday spotify_songs.csv' },
  { value: 'tracks-114k', label: 'Spotify Tracks Dataset (114k)' },
  { value: 'tracks-600k', label: '600k tracks.csv' },
  { value: 'tracks-1.2m', label: '1.2M songs tracks_features.csv' },
  { value: 'spotify-features', label: 'SpotifyFeatures.csv' },
  { value: 'json', label: 'JSON (array of tracks)' },
  { value: 'ndjson', label: 'NDJSON (one track a line)' },
];

const count = (value: number) => value.toLocaleString('en');

/**
 * An administrator's upload: a CSV, NDJSON or JSON file (gzip too), its format (else recognised from
 * the first line) and a source label, streamed to POST /catalog/imports with the tab's admin key.
 * The call waits for the import; the imports list shows its progress meanwhile.
 */
export function ImportForm(props: { onStarted: () => void; onFinished: () => void }) {
  const { asAdmin } = useAdminKey();
  const upload = useAction();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File>();
  const [format, setFormat] = useState<CatalogFormat | ''>('');
  const [source, setSource] = useState('');
  const [result, setResult] = useState<CatalogImport>();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setResult(undefined);
    const options: ImportOptions = {
      format: format || undefined,
      source: source.trim() || file.name,
    };
    // While the file streams, the imports list is read every second, so the import's row and its
    // live progress show as soon as the service has recorded it.
    const poll = window.setInterval(props.onStarted, 1000);
    const imported = await upload.run('upload', () =>
      asAdmin(`Importing ${file.name}`, (key) => api.importCatalog(file, options, key)),
    );
    window.clearInterval(poll);
    if (imported) {
      setResult(imported);
      setFile(undefined);
      if (fileInput.current) fileInput.current.value = '';
    }
    props.onFinished();
  };

  const busy = upload.busy !== undefined;
  return (
    <section class="card" aria-labelledby="import-heading" data-testid="import-form">
      <h2 id="import-heading">Import a catalog file</h2>
      <form class="import-form" onSubmit={(event) => void submit(event)}>
        <p id="import-help" class="muted">
          Admin only. A CSV (TidyTuesday, Kaggle track datasets, SpotifyFeatures), NDJSON or JSON
          file, gzipped or not. It is streamed to the service as it is read from disk; tracks are
          merged into the catalog in one transaction at the end.
        </p>
        <label for="import-file">Catalog file</label>
        <input
          id="import-file"
          ref={fileInput}
          type="file"
          accept=".csv,.ndjson,.jsonl,.json,.gz,text/csv,application/x-ndjson,application/json"
          aria-describedby="import-help"
          required
          onChange={(event) => setFile((event.target as HTMLInputElement).files?.[0])}
        />
        <div class="options">
          <label>
            Format
            <select
              value={format}
              onChange={(event) =>
                setFormat((event.target as HTMLSelectElement).value as CatalogFormat | '')
              }
            >
              <option value="">Recognise from the first line</option>
              {FORMATS.map((entry) => (
                <option key={entry.value} value={entry.value}>
                  {entry.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Source label
            <input
              type="text"
              maxLength={200}
              placeholder={file?.name ?? 'the file name'}
              value={source}
              onInput={(event) => setSource((event.target as HTMLInputElement).value)}
            />
          </label>
        </div>
        <button type="submit" disabled={busy || !file}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </form>
      <p role="status" class="notice" data-testid="import-result">
        {busy && file ? `Sending ${file.name} (${count(Math.ceil(file.size / 1024))} KB)…` : ''}
        {result &&
          `Imported ${result.source}: ${count(result.tracks_added)} tracks added, ${count(result.tracks_updated)} updated, ${count(result.tracks_unchanged)} unchanged; ${count(result.rows_skipped)} rows skipped.`}
      </p>
      {upload.error && <ErrorMessage error={upload.error} context="The file was not imported" />}
    </section>
  );
}
