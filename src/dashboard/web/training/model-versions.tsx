import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { TrainingRun } from '../api/types';
import { useAdminKey } from '../components/admin-key';
import { ErrorMessage } from '../components/error-message';
import { useServiceStatus } from '../components/service-status';
import { TableHead } from '../components/table-head';
import { useAction } from '../components/use-action';
import { dateTime, percent, shortId } from '../format';

/**
 * Every model a listed run made, newest first; any of them can be made the active one (admin), to
 * roll back to an earlier model or forward again.
 */
export function ModelVersions(props: { runs: TrainingRun[]; onActivated: () => void }) {
  const { activeModel } = useServiceStatus();
  const { asAdmin } = useAdminKey();
  const activation = useAction();
  const [notice, setNotice] = useState('');
  const versions = props.runs.filter(
    (run): run is TrainingRun & { model_id: string } => run.model_id !== null,
  );

  const activate = async (modelId: string) => {
    setNotice('');
    const model = await activation.run(modelId, () =>
      asAdmin(`Activating model ${shortId(modelId)}`, (key) => api.activateModel(modelId, key)),
    );
    if (model) {
      setNotice(`Model ${shortId(model.id)} is now the active model.`);
      props.onActivated();
    }
  };

  return (
    <section class="card" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Model versions</h2>
      {versions.length === 0 ? (
        <p>No model yet.</p>
      ) : (
        <table class="data-table stack-on-phone">
          <TableHead
            columns={[
              'Model',
              'Trained',
              'Accuracy',
              'Macro-F1',
              { label: 'State or action', hidden: true },
            ]}
          />
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
                        disabled={activation.busy !== undefined}
                        aria-label={`Activate model ${shortId(run.model_id)}`}
                        onClick={() => void activate(run.model_id)}
                      >
                        {activation.busy === run.model_id ? 'Activating…' : 'Activate'}
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
      {activation.error && (
        <ErrorMessage error={activation.error} context="The model was not activated" />
      )}
    </section>
  );
}
