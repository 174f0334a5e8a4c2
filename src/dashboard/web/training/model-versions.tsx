import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/client';
import type { TrainingRun } from '../api/types';
import { useAdminKey } from '../components/admin-key';
import { ErrorMessage } from '../components/error-message';
import { useServiceStatus } from '../components/service-status';
import { dateTime, percent, shortId } from '../format';

/**
 * Every model a listed run made, newest first; any of them can be made the active one (admin), to
 * roll back to an earlier model or forward again.
 */
export function ModelVersions(props: { runs: TrainingRun[]; onActivated: () => void }) {
  const { activeModel } = useServiceStatus();
  const { asAdmin } = useAdminKey();
  const [busyModelId, setBusyModelId] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [notice, setNotice] = useState('');
  const versions = props.runs.filter(
    (run): run is TrainingRun & { model_id: string } => run.model_id !== null,
  );

  const activate = async (modelId: string) => {
    setError(undefined);
    setNotice('');
    setBusyModelId(modelId);
    try {
      const model = await asAdmin(`Activating model ${shortId(modelId)}`, (key) =>
        api.activateModel(modelId, key),
      );
      if (model) {
        setNotice(`Model ${shortId(model.id)} is now the active model.`);
        props.onActivated();
      }
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, null, String(caught)));
    } finally {
      setBusyModelId(undefined);
    }
  };

  return (
    <section class="card" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Model versions</h2>
      {versions.length === 0 ? (
        <p>No model yet.</p>
      ) : (
        <table class="data-table stack-on-phone">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Trained</th>
              <th scope="col">Accuracy</th>
              <th scope="col">Macro-F1</th>
              <th scope="col">
                <span class="visually-hidden">State or action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((run) => {
              const active = run.model_id === activeModel?.id;
              return (
                <tr key={run.model_id} data-testid={`model-${run.model_id}`}>
                  <th scope="row" data-label="Model">
                    <code>{shortId(run.model_id)}</code>
                  </th>
                  <td data-label="Trained">{dateTime(run.finished_at)}</td>
                  <td data-label="Accuracy">{percent(run.accuracy)}</td>
                  <td data-label="Macro-F1">{percent(run.macro_f1)}</td>
                  <td>
                    {active ? (
                      <span class="badge badge-succeeded">Active</span>
                    ) : (
                      <button
                        type="button"
                        class="secondary"
                        disabled={busyModelId !== undefined}
                        aria-label={`Activate model ${shortId(run.model_id)}`}
                        onClick={() => void activate(run.model_id)}
                      >
                        {busyModelId === run.model_id ? 'Activating…' : 'Activate'}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p role="status" class="notice">
        {notice}
      </p>
      {error && <ErrorMessage error={error} context="The model was not activated" />}
    </section>
  );
}
