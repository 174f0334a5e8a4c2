import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { MoodSplitMetrics, TrainingRun } from '../api/types';
import { dateTime, duration, percent, shortId } from '../format';
import { ConfusionMatrix } from './confusion-matrix';
import { PerMoodTable } from './per-mood-table';
import { StatusBadge } from './runs-table';

type SplitName = 'held_out_playlists' | 'random_split';

const SPLIT_NAMES: Record<SplitName, string> = {
  held_out_playlists: 'Held-out playlists',
  random_split: 'Random split',
};

/** One run: what it trained on, how, and how well its model does on data it never saw. */
export function RunDetails({ run }: { run: TrainingRun }) {
  const metrics = run.metrics;
  const splits = (Object.keys(SPLIT_NAMES) as SplitName[]).filter((name) => metrics?.[name]);
  const [chosen, setChosen] = useState<SplitName>();
  const splitName = chosen && splits.includes(chosen) ? chosen : splits[0];
  const split: MoodSplitMetrics | undefined = splitName ? metrics?.[splitName] : undefined;

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

      {split && splitName && (
        <>
          {splits.length > 1 && (
            <fieldset class="segmented">
              <legend>Evaluated on</legend>
              {splits.map((name) => (
                <label key={name}>
                  <input
                    type="radio"
                    name={`split-${run.id}`}
                    value={name}
                    checked={name === splitName}
                    onChange={() => setChosen(name)}
                  />
                  {SPLIT_NAMES[name]} ({metrics?.[name]?.tracks} tracks)
                </label>
              ))}
            </fieldset>
          )}
          <p class="muted">
            {splitName === 'held_out_playlists'
              ? 'Whole playlists the network never saw in training (one per mood where the data has several): the honest measure for new listeners.'
              : 'A random share of the tracks, kept out of training.'}{' '}
            Accuracy {percent(split.accuracy)}, macro-F1 {percent(split.macro_f1)}.
          </p>
          <div class="metrics-grid">
            <PerMoodTable split={split} />
            <ConfusionMatrix split={split} />
          </div>
        </>
      )}
    </section>
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
