import { dateTime, percent, shortId } from '../format';
import { useAdminKey } from './admin-key';
import { useServiceStatus } from './service-status';

/** What a status item says: the gist, and details a phone leaves out to keep the header small. */
interface StatusText {
  main: string;
  detail?: string;
}

/**
 * Always on screen (sticky): is the service up, which model answers, is a training running, is an
 * admin key kept for this tab.
 */
export function StatusHeader() {
  const { health, healthError, activeModel, activeModelError } = useServiceStatus();
  const { hasKey, forgetKey } = useAdminKey();
  const mood = health?.details.mood;
  const database = health?.details.database;

  let state: 'up' | 'down' | 'unknown';
  let service: StatusText;
  if (healthError) [state, service] = ['down', { main: 'no answer', detail: healthError.message }];
  else if (!health) [state, service] = ['unknown', { main: 'asking…' }];
  else if (health.status === 'ok')
    [state, service] = [
      'up',
      { main: 'up', detail: `database up · ${mood?.backend ?? '?'} backend` },
    ];
  else
    [state, service] = [
      'down',
      {
        main: 'down',
        detail: `database ${database?.status ?? '?'}${database?.message ? ` (${database.message})` : ''}`,
      },
    ];

  let model: StatusText;
  if (activeModelError) model = { main: 'unknown', detail: activeModelError.message };
  else if (activeModel === undefined) model = { main: 'asking…' };
  else if (activeModel === null) model = { main: 'none yet', detail: 'train one in Training' };
  else
    model = {
      main: `${shortId(activeModel.id)} · accuracy ${percent(activeModel.metrics.accuracy)}`,
      detail: `${activeModel.labels.length} moods · trained ${dateTime(activeModel.trained_at)}`,
    };

  return (
    <header class="status-header">
      <div class="brand">
        <h1>SpotifyRecommender</h1>
        <span class="brand-sub">dashboard</span>
      </div>
      <dl class="status-list">
        <div class="status-item" data-testid="service-health">
          <dt>Service</dt>
          <dd>
            <span class={`dot dot-${state}`} aria-hidden="true" />
            <Status text={service} />
          </dd>
        </div>
        <div class="status-item" data-testid="active-model">
          <dt>Active model</dt>
          <dd>
            <Status text={model} />
          </dd>
        </div>
        {mood?.training_run_id && (
          <div class="status-item" data-testid="training-now">
            <dt>Training</dt>
            <dd>
              <a href="#training">run {shortId(mood.training_run_id)} running</a>
            </dd>
          </div>
        )}
        <div class="status-item" data-testid="admin-key-state">
          <dt>Admin key</dt>
          <dd>
            {hasKey ? (
              <>
                kept for this tab{' '}
                <button type="button" class="link-button" onClick={forgetKey}>
                  Forget
                </button>
              </>
            ) : (
              <Status text={{ main: 'not set', detail: '(asked when needed)' }} />
            )}
          </dd>
        </div>
      </dl>
    </header>
  );
}

function Status({ text }: { text: StatusText }) {
  return (
    <>
      {text.main}
      {text.detail && <span class="status-detail"> · {text.detail}</span>}
    </>
  );
}
