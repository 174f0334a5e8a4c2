import type { ResolvedCounts, SkippedListeningRow } from '../api/types';
import { TableHead } from '../components/table-head';
import { resolvedSummary, skippedCount, skippedPreview } from './resolution';

/**
 * How the service read the history: how many rows it matched and how (their own features, the
 * catalog by id, by artist and title), and each row it left out with why.
 */
export function ResolutionCard(props: {
  resolved: ResolvedCounts;
  skipped: SkippedListeningRow[];
  /** Which answer the counts are from (the calls read the same body alike). */
  source: string;
  /** How the body was sent: "JSON", "JSON Lines (120 lines)". */
  sentAs: string;
}) {
  const { resolved, skipped } = props;
  const { shown, more } = skippedPreview(skipped);
  return (
    <section class="card" aria-labelledby="resolution-heading" data-testid="resolution">
      <h2 id="resolution-heading">Rows read</h2>
      <p class="resolved-summary" data-testid="resolved-summary">
        {resolvedSummary(resolved)}
      </p>
      <p class="muted">
        Sent as {props.sentAs}; counts from {props.source}. &ldquo;By id&rdquo; and &ldquo;by
        name&rdquo; rows took their audio features from the catalog (by Spotify id, or by artist and
        title).
      </p>
      {skipped.length > 0 && (
        <details data-testid="skipped-rows">
          <summary>{skippedCount(skipped.length)}</summary>
          <table class="data-table">
            <TableHead columns={['Row', 'Path', 'Track', 'Why']} />
            <tbody>
              {shown.map((row) => (
                <tr key={`${row.row}:${row.path ?? ''}`}>
                  <td>{row.row}</td>
                  <td>
                    <code class="wrap">{row.path ?? '—'}</code>
                  </td>
                  <td>
                    <code class="wrap">{row.id ?? '—'}</code>
                  </td>
                  <td>{row.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {more > 0 && <p class="muted">… and {more.toLocaleString('en')} more</p>}
        </details>
      )}
    </section>
  );
}
