import { api } from '../api/client';
import type { TrainingRun } from '../api/types';
import { useAdminKey } from '../components/admin-key';
import { ErrorMessage } from '../components/error-message';
import { useAction } from '../components/use-action';
import { decimal, shortId } from '../format';

/**
 * "Retrain on the default dataset" (admin): the service answers at once with the queued run
 * (Prefer: respond-async), and the run's live progress shows here while it trains.
 */
export function RetrainControl(props: {
  running: TrainingRun | undefined;
  /** A sentence about the run that just finished, announced to screen readers. */
  finished: string;
  onStarted: () => void;
}) {
  const { asAdmin } = useAdminKey();
  const start = useAction();
  const starting = start.busy !== undefined;

  const retrain = async () => {
    const run = await start.run('retrain', () =>
      asAdmin('Retraining', (key) => api.retrainOnDefaultDataset(key)),
    );
    if (run) props.onStarted();
  };

  return (
    <section class="card" aria-labelledby="retrain-heading">
      <h2 id="retrain-heading">Retrain</h2>
      <p class="muted">
        Trains a new mood model on the service&apos;s default labelled dataset. When it succeeds,
        its model becomes the active one; a failed run leaves the active model as it is.
      </p>
      <button
        type="button"
        onClick={() => void retrain()}
        disabled={starting || Boolean(props.running)}
        aria-describedby={props.running ? 'retrain-busy' : undefined}
      >
        {starting ? 'Starting…' : 'Retrain on the default dataset'}
      </button>
      {props.running && <RunProgress run={props.running} />}
      <p role="status" class="notice">
        {props.finished}
      </p>
      {start.error && <ErrorMessage error={start.error} context="Retraining was not started" />}
    </section>
  );
}

function RunProgress({ run }: { run: TrainingRun }) {
  const progress = run.progress;
  return (
    <div class="run-progress" id="retrain-busy" data-testid="run-progress">
      <label for="run-progress-bar">
        Run {shortId(run.id)}: {run.status === 'queued' ? 'queued' : 'training'}
        {progress && (
          <>
            {' '}
            · epoch {progress.epoch} of at most {progress.max_epochs} · loss{' '}
            {decimal(progress.loss)} · validation loss {decimal(progress.val_loss)}
          </>
        )}
      </label>
      {/* Without a value the bar is indeterminate (queued, or before the first epoch ends). */}
      <progress
        id="run-progress-bar"
        max={progress?.max_epochs ?? 1}
        value={progress ? progress.epoch : undefined}
      />
      <p class="muted">
        Training stops early once the validation loss stops improving, usually well before the last
        epoch.
      </p>
    </div>
  );
}
