import type { CatalogImport } from '../api/types';
import { TableHead } from '../components/table-head';
import { bytes, dateTime, duration, percent } from '../format';

const count = (value: number) => value.toLocaleString('en');

/** Every listed import: what, where from, how it went; a running one with its live progress. */
export function ImportsTable({ imports }: { imports: CatalogImport[] }) {
  return (
    <table class="data-table stack-on-phone" data-testid="imports-table">
      <TableHead columns={['Source', 'Status', 'Started', 'Rows', 'Tracks', 'Took']} />
      <tbody>
        {imports.map((entry) => (
          <tr key={entry.id} data-import-id={entry.id}>
            <th scope="row" data-label="Source">
              {entry.source}
              <span class="muted block">
                {entry.format ?? 'format ?'} · {entry.origin}
              </span>
            </th>
            <td data-label="Status">
              <span class={`badge badge-${entry.status}`}>{entry.status}</span>
              {entry.status === 'running' && <ImportProgress entry={entry} />}
              {entry.error && (
                <span class="block error-text">
                  {entry.error_code && <code>{entry.error_code}</code>} {entry.error}
                </span>
              )}
            </td>
            <td data-label="Started">{dateTime(entry.started_at ?? entry.created_at)}</td>
            <td data-label="Rows">
              {count(entry.rows_read)} read
              {entry.rows_skipped > 0 && (
                <details>
                  <summary>{count(entry.rows_skipped)} skipped</summary>
                  <ul class="plain-list">
                    {entry.skipped.slice(0, 10).map((skip) => (
                      <li key={skip.line}>
                        line {skip.line}: {skip.reason}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </td>
            <td data-label="Tracks" data-testid="import-tracks">
              {entry.status === 'succeeded'
                ? `${count(entry.tracks_added)} added, ${count(entry.tracks_updated)} updated, ${count(entry.tracks_unchanged)} unchanged`
                : '—'}
            </td>
            <td data-label="Took">{duration(entry.duration_ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ImportProgress({ entry }: { entry: CatalogImport }) {
  const progress = entry.progress;
  if (!progress) return null;
  const share = progress.bytes_total ? progress.bytes_read / progress.bytes_total : undefined;
  return (
    <span class="block import-progress" data-testid="import-progress">
      {share !== undefined && (
        <progress max={1} value={share} aria-label={`Import of ${entry.source}`}>
          {percent(share)}
        </progress>
      )}
      <span class="block">
        {progress.phase}: {bytes(progress.bytes_read)}
        {progress.bytes_total !== null && ` of ${bytes(progress.bytes_total)}`} read,{' '}
        {count(progress.rows_read)} rows staged, {count(Math.round(progress.rows_per_second))}{' '}
        rows/s
      </span>
    </span>
  );
}
