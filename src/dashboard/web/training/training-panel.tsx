import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { TrainingRun } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { useServiceStatus } from '../components/service-status';
import { usePoll } from '../components/use-poll';
import { percent, shortId } from '../format';
import { ModelVersions } from './model-versions';
import { RetrainControl } from './retrain-control';
import { RunDetails } from './run-details';
import { RunsTable } from './runs-table';

const PAGE = 20;
/** The service lists at most 100 runs per call. */
const MOST_RUNS = 100;
const IDLE_POLL_MS = 5000;
const ACTIVE_POLL_MS = 1000;

export const isActive = (run: TrainingRun) => run.status === 'queued' || run.status === 'running';

/**
 * Training: retraining with live progress, the model versions (activate one), every run, and the
 * chosen run's evaluation. Runs are polled every second while one is queued or running.
 */
export function TrainingPanel() {
  const status = useServiceStatus();
  const [limit, setLimit] = useState(PAGE);
  const [fast, setFast] = useState(false);
  const runs = usePoll(() => api.trainingRuns(limit), fast ? ACTIVE_POLL_MS : IDLE_POLL_MS, limit);
  const list = runs.data?.runs ?? [];
  const activeRun = list.find(isActive);
  useEffect(() => setFast(Boolean(activeRun)), [activeRun]);

  const [chosenRunId, setChosenRunId] = useState<string>();
  const shownRunId = chosenRunId ?? status.activeModel?.run_id ?? list[0]?.id;
  const shownRun = list.find((run) => run.id === shownRunId);

  const finished = useFinishedRunNotice(list);
  const afterChange = () => {
    runs.refresh();
    status.refresh();
  };

  return (
    <div class="panel-grid">
      <div class="stack">
        <RetrainControl running={activeRun} finished={finished} onStarted={afterChange} />
        <ModelVersions runs={list} onActivated={afterChange} />
      </div>
      <section class="card" aria-labelledby="runs-heading">
        <h2 id="runs-heading">Training runs</h2>
        {runs.error && <ErrorMessage error={runs.error} context="Could not list the runs" />}
        {runs.data && runs.data.total === 0 && (
          <p>No training run yet. Retrain on the default dataset to make the first model.</p>
        )}
        {list.length > 0 && (
          <RunsTable runs={list} shownRunId={shownRunId} onShow={(id) => setChosenRunId(id)} />
        )}
        {runs.data && runs.data.total > list.length && limit < MOST_RUNS && (
          <button type="button" class="secondary" onClick={() => setLimit(limit + PAGE)}>
            Show older runs ({runs.data.total - list.length} more)
          </button>
        )}
      </section>
      {shownRun && <RunDetails run={shownRun} />}
    </div>
  );
}

/** A sentence for screen readers and eyes when a run the page saw running has finished. */
function useFinishedRunNotice(runs: TrainingRun[]): string {
  const seenActive = useRef(new Set<string>());
  const [notice, setNotice] = useState('');
  useEffect(() => {
    for (const run of runs) {
      if (isActive(run)) seenActive.current.add(run.id);
      else if (seenActive.current.delete(run.id)) {
        setNotice(
          run.status === 'succeeded'
            ? `Run ${shortId(run.id)} succeeded: accuracy ${percent(run.accuracy)}; its model ${shortId(run.model_id)} is now active.`
            : `Run ${shortId(run.id)} failed: ${run.error ?? 'no reason given'}.`,
        );
      }
    }
  }, [runs]);
  return notice;
}
