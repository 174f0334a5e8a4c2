import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { CatalogImport } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { usePoll } from '../components/use-poll';
import { catalogMoods, CatalogSummaryView } from './catalog-summary';
import { ImportForm } from './import-form';
import { ImportsTable } from './imports-table';

const IMPORTS_SHOWN = 20;
const IDLE_POLL_MS = 5000;
const ACTIVE_POLL_MS = 1000;

export const isImportRunning = (entry: CatalogImport) =>
  entry.status === 'running' || entry.status === 'queued';

/**
 * Catalog: what it holds (counts, genres, feature coverage, sources), its imports with live progress
 * (polled every second while one runs, whoever started it: this page, another one or the CLI), and
 * an upload form for administrators.
 */
export function CatalogPanel() {
  const [fast, setFast] = useState(false);
  const imports = usePoll(
    () => api.catalogImports(IMPORTS_SHOWN),
    fast ? ACTIVE_POLL_MS : IDLE_POLL_MS,
  );
  const list = imports.data?.imports ?? [];
  const running = list.some(isImportRunning);
  useEffect(() => setFast(running), [running]);
  // The counts are read every 5 s, every second while the catalog's moods are being predicted.
  const [scoring, setScoring] = useState(false);
  const summary = usePoll(() => api.catalog(), scoring ? ACTIVE_POLL_MS : IDLE_POLL_MS);
  const moodStatus = summary.data && catalogMoods(summary.data)?.status;
  useEffect(() => setScoring(moodStatus === 'scoring'), [moodStatus]);

  // When an import ends, the counts it changed are read again at once.
  const runningIds = useRef(new Set<string>());
  useEffect(() => {
    let ended = false;
    for (const entry of list) {
      if (isImportRunning(entry)) runningIds.current.add(entry.id);
      else if (runningIds.current.delete(entry.id)) ended = true;
    }
    if (ended) summary.refresh();
  }, [list]);

  const afterImport = () => {
    imports.refresh();
    summary.refresh();
  };

  return (
    <div class="panel-grid">
      <div class="stack">
        {summary.error && (
          <ErrorMessage error={summary.error} context="Could not read the catalog" />
        )}
        {summary.data && <CatalogSummaryView summary={summary.data} />}
      </div>
      <div class="stack">
        <ImportForm onStarted={imports.refresh} onFinished={afterImport} />
        <section class="card" aria-labelledby="imports-heading">
          <h2 id="imports-heading">Imports</h2>
          {imports.error && (
            <ErrorMessage error={imports.error} context="Could not list the imports" />
          )}
          {imports.data && imports.data.total === 0 && (
            <p>No import yet. Upload a catalog file (admin) or run npm run catalog:import.</p>
          )}
          {list.length > 0 && <ImportsTable imports={list} />}
          {imports.data && imports.data.total > list.length && (
            <p class="muted">
              The {list.length} newest of {imports.data.total} imports.
            </p>
          )}
        </section>
      </div>
    </div>
  );
}
