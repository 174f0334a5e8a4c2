import type { TrainingRun } from '../api/types';
import { TableHead } from '../components/table-head';
import { dateTime, duration, percent, shortId } from '../format';

export function StatusBadge({ run }: { run: TrainingRun }) {
  const epoch =
    run.status === 'running' && run.progress
      ? ` · epoch ${run.progress.epoch}/${run.progress.max_epochs}`
      : '';
  return (
    <span class={`badge badge-${run.status}`}>
      {run.status}
      {epoch}
    </span>
  );
}

/** Every listed run, newest first; "Show" opens a run's evaluation below. */
export function RunsTable(props: {
  runs: TrainingRun[];
  shownRunId: string | undefined;
  onShow: (id: string) => void;
}) {
  return (
    <table class="data-table stack-on-phone" data-testid="runs-table">
      <TableHead columns={['Run', 'Status', 'Started', 'Dataset', 'Epochs', 'Accuracy', 'Took']} />
      <tbody>
        {props.runs.map((run) => {
          const shown = run.id === props.shownRunId;
          return (
            <tr key={run.id} class={shown ? 'row-selected' : undefined} data-run-id={run.id}>
              <th scope="row" data-label="Run">
                <button
                  type="button"
                  class="link-button"
                  aria-pressed={shown}
                  aria-label={`Show run ${shortId(run.id)}`}
                  onClick={() => props.onShow(run.id)}
                >
                  <code>{shortId(run.id)}</code>
                </button>
              </th>
              <td data-label="Status">
                <StatusBadge run={run} />
              </td>
              <td data-label="Started">{dateTime(run.started_at ?? run.created_at)}</td>
              <td data-label="Dataset">
                {run.dataset.source}, {run.dataset.rows_used} rows
                {run.dataset.rows_skipped > 0 && ` (${run.dataset.rows_skipped} skipped)`}
              </td>
              <td data-label="Epochs">{run.epochs_run ?? '—'}</td>
              <td data-label="Accuracy">{percent(run.accuracy)}</td>
              <td data-label="Took">{duration(run.duration_ms)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
