import { dateTime, percent, shortId } from '../format';
import { useAdminKey } from './admin-key';
import { useServiceStatus } from './service-status';

/** Always on screen: is the service up, which model answers, is a training running, is a key kept. */
export function StatusHeader() {
  const { health, healthError, activeModel, activeModelError } = useServiceStatus();
  const { hasKey, forgetKey } = useAdminKey();
  const mood = health?.details.mood;
  const database = health?.details.database;

  let service: { state: 'up' | 'down' | 'unknown'; text: string };
  if (healthError) service = { state: 'down', text: healthError.message };
  else if (!health) service = { state: 'unknown', text: 'asking…' };
  else if (health.status === 'ok')
    service = { state: 'up', text: `up · database up · ${mood?.backend ?? '?'} backend` };
  else
    service = {
      state: 'down',
      text: `down · database ${database?.status ?? '?'}${database?.message ? ` (${database.message})` : ''}`,
    };

  let model: string;
  if (activeModelError) model = `unknown (${activeModelError.message})`;
  else if (activeModel === undefined) model = 'asking…';
  else if (activeModel === null) model = 'none yet: train one in Training';
  else
    model = `${shortId(activeModel.id)} · ${activeModel.labels.length} moods · accuracy ${percent(activeModel.metrics.accuracy)} · trained ${dateTime(activeModel.trained_at)}`;

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
            <span class={`dot dot-${service.state}`} aria-hidden="true" />
            {service.text}
          </dd>
        </div>
        <div class="status-item" data-testid="active-model">
          <dt>Active model</dt>
          <dd>{model}</dd>
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
              'not set (asked when needed)'
            )}
          </dd>
        </div>
      </dl>
    </header>
  );
}
