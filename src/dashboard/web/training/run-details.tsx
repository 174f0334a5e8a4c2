import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api/client';
import type { MoodMetrics, TrainingRun } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { dateTime, duration, percent, shortId } from '../format';
import { ConfusionMatrix } from './confusion-matrix';
import { CrossValidationSpread } from './cv-spread';
import { LearningCurves } from './learning-curves';
import { PerMoodTable } from './per-mood-table';
import { StatusBadge } from './runs-table';

/** One run: what it trained on, how, and how well its model does on data it never saw. */
export function RunDetails({ run }: { run: TrainingRun }) {
  const metrics = run.metrics;
  // Runs recorded before cross-validation carry other metrics: they show the headline figures only.
  const crossValidation =
    metrics && 'cross_validation' in metrics ? metrics.cross_validation : undefined;
  const history = useRunHistory(run);

  return (
    <section
      class="card run-details"
      aria-labelledby="run-details-heading"
      data-testid="run-details"
    >
      <h2 id="run-details-heading">
        Run <code>{shortId(run.id)}</code> <StatusBadge run={run} />
      </h2>
      <dl class="facts">
        <Fact term="Run id" value={<code class="wrap">{run.id}</code>} />
        <Fact term="Model" value={run.model_id ? <code class="wrap">{run.model_id}</code> : '—'} />
        <Fact term="Queued" value={dateTime(run.created_at)} />
        <Fact term="Finished" value={dateTime(run.finished_at)} />
        <Fact term="Took" value={`${duration(run.duration_ms)} on ${run.backend ?? '?'}`} />
        <Fact term="Epochs" value={run.epochs_run ?? '—'} />
        <Fact
          term="Dataset"
          value={`${run.dataset.source}: ${run.dataset.rows_used} rows used, ${run.dataset.rows_skipped} skipped`}
        />
        <Fact term="Dataset sha256" value={<code class="wrap">{run.dataset.sha256}</code>} />
        {metrics && (
          <>
            <Fact term="Accuracy" value={percent(metrics.accuracy)} />
            <Fact term="Macro-F1" value={percent(metrics.macro_f1)} />
            <Fact term="Mood of 10-track sets" value={percent(metrics.listener_accuracy_10)} />
          </>
        )}
      </dl>
      {run.error && (
        <p class="error-message" role="note">
          <strong>Why it failed:</strong> {run.error}
        </p>
      )}
      <details>
        <summary>Hyper-parameters</summary>
        <dl class="facts">
          {Object.entries(run.hyper_parameters).map(([name, value]) => (
            <Fact key={name} term={name} value={formatParameter(value)} />
          ))}
        </dl>
      </details>

      {crossValidation && (
        <>
          <p class="muted">{crossValidationSummary(crossValidation)}</p>
          <div class="metrics-grid">
            <PerMoodTable split={crossValidation.pooled} />
            <ConfusionMatrix split={crossValidation.pooled} />
          </div>
          <CrossValidationSpread cv={crossValidation} />
        </>
      )}
      {history.error && <ErrorMessage error={history.error} context="No learning curves" />}
      {history.data && (
        <LearningCurves history={history.data} metrics={crossValidation ? metrics : null} />
      )}
    </section>
  );
}

/**
 * The run's per-epoch history, which only GET /mood/runs/{id} carries (lists leave it out): asked once
 * the run has finished, and again if the run shown changes.
 */
function useRunHistory(run: TrainingRun) {
  const [data, setData] = useState<NonNullable<TrainingRun['history']>>();
  const [error, setError] = useState<ApiError>();
  const finished = run.status === 'succeeded';
  useEffect(() => {
    setData(undefined);
    setError(undefined);
    if (!finished) return;
    let cancelled = false;
    api.trainingRun(run.id).then(
      (detail) => {
        if (!cancelled && detail.history) setData(detail.history);
      },
      (caught: unknown) => {
        if (!cancelled) setError(ApiError.from(caught));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [run.id, finished]);
  return { data, error };
}

function crossValidationSummary(cv: MoodMetrics['cross_validation']): string {
  const group = cv.grouping === 'playlist' ? 'playlist' : 'block of tracks';
  const range = cv.spread.accuracy
    ? ` (${percent(cv.spread.accuracy.min)}–${percent(cv.spread.accuracy.max)} over folds)`
    : '';
  return (
    `Cross-validated: each ${group} scored by a network that never saw it (${cv.folds} folds, ` +
    `${cv.groups} groups, ${cv.pooled.tracks} tracks), the honest measure for new listeners. ` +
    `Accuracy ${percent(cv.pooled.accuracy)}${range}, macro-F1 ${percent(cv.pooled.macro_f1)}.`
  );
}

function Fact(props: { term: string; value: ComponentChildren }) {
  return (
    <div class="fact">
      <dt>{props.term}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}

function formatParameter(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}
