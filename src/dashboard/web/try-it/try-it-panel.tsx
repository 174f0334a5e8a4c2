import { useState } from 'preact/hooks';
import { api, ApiError, type TrendQuery } from '../api/client';
import type { MoodPrediction, Recommendations, TrendsAnswer } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { HistoryInput } from './history-input';
import { MoodResult } from './mood-result';
import { RecommendationsFailed, RecommendedSongs } from './recommended-songs';
import { TrendCharts } from './trend-charts';

/** A call's answer or its failure: one result section can fail while the others answer. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface Analysis {
  /** The history as sent, for drawing what was played beside what is forecast. */
  history: unknown;
  trends: Outcome<TrendsAnswer>;
  mood: Outcome<MoodPrediction>;
  songs: Outcome<Recommendations>;
}

const INTERVALS = [0.5, 0.8, 0.95];

async function outcomeOf<T>(call: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call };
  } catch (caught) {
    return { ok: false, error: ApiError.from(caught) };
  }
}

/**
 * Try it: a listening history in, the service's answers out: each feature's trend with Prophet's
 * forecast and interval, the listener's mood, and the songs recommended for it with their reasons.
 */
export function TryItPanel() {
  const [text, setText] = useState('');
  const [query, setQuery] = useState<TrendQuery>({ periods: 10, freq: '1min', interval: 0.8 });
  const [parseError, setParseError] = useState<string>();
  const [analysis, setAnalysis] = useState<Analysis>();
  const [busy, setBusy] = useState(false);

  const analyse = async (event: Event) => {
    event.preventDefault();
    let history: unknown;
    try {
      history = JSON.parse(text);
    } catch (caught) {
      setParseError(`The history is not valid JSON: ${(caught as Error).message}`);
      return;
    }
    setParseError(undefined);
    setBusy(true);
    // The three answers are independent: asked together, each shown or explained on its own.
    const [trends, mood, songs] = await Promise.all([
      outcomeOf(api.trends(history, query)),
      outcomeOf(api.predictMood(history)),
      outcomeOf(api.recommend(history, query)),
    ]);
    setAnalysis({ history, trends, mood, songs });
    setBusy(false);
  };

  const setNumber = (name: 'periods' | 'interval') => (event: Event) =>
    setQuery({ ...query, [name]: Number((event.target as HTMLInputElement).value) });

  return (
    <div class="stack">
      <form class="card try-form" onSubmit={(event) => void analyse(event)}>
        <h2>Listening history</h2>
        <HistoryInput
          text={text}
          onText={setText}
          describedBy={parseError ? 'history-error' : undefined}
        />
        {parseError && (
          <p id="history-error" class="error-message" role="alert">
            {parseError}
          </p>
        )}
        <fieldset class="options">
          <legend>Forecast</legend>
          <label>
            Steps ahead
            <input
              type="number"
              min={1}
              max={1000}
              required
              value={query.periods}
              onInput={setNumber('periods')}
            />
          </label>
          <label>
            Step length
            <input
              type="text"
              required
              pattern="\s*\d*\s*[A-Za-z]+\s*"
              title="A number and a unit: s, min or h (30s, 1min, 2h)"
              value={query.freq}
              onInput={(event) =>
                setQuery({ ...query, freq: (event.target as HTMLInputElement).value })
              }
            />
          </label>
          <label>
            Interval
            <select value={String(query.interval)} onChange={setNumber('interval')}>
              {INTERVALS.map((width) => (
                <option key={width} value={String(width)}>
                  {Math.round(width * 100)} %
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <button type="submit" disabled={busy || text.trim() === ''}>
          {busy ? 'Analysing…' : 'Analyse'}
        </button>
      </form>

      <p role="status" class="notice">
        {busy ? 'Asking the service…' : analysis ? summary(analysis) : ''}
      </p>
      <div class="stack" aria-busy={busy} data-testid="try-it-results">
        {analysis && (
          <>
            {analysis.mood.ok ? (
              <MoodResult prediction={analysis.mood.value} />
            ) : (
              <section class="card">
                <h2>Mood</h2>
                <ErrorMessage error={analysis.mood.error} context="No mood" />
              </section>
            )}
            {analysis.trends.ok ? (
              <TrendCharts answer={analysis.trends.value} history={analysis.history} />
            ) : (
              <section class="card">
                <h2>Trends</h2>
                <ErrorMessage error={analysis.trends.error} context="No trend" />
              </section>
            )}
            {analysis.songs.ok ? (
              <RecommendedSongs answer={analysis.songs.value} history={analysis.history} />
            ) : (
              <RecommendationsFailed error={analysis.songs.error} />
            )}
          </>
        )}
      </div>
    </div>
  );
}

/** One sentence a screen reader announces when the answers arrive. */
function summary({ trends, mood, songs }: Analysis): string {
  const moodText = mood.ok
    ? `mood ${mood.value.mood} (${Math.round(mood.value.confidence * 100)} %)`
    : 'no mood';
  const trendText = trends.ok
    ? `trends of ${Object.keys(trends.value.metrics).length} features over ${trends.value.history} tracks`
    : 'no trend';
  const songText = songs.ok ? `${songs.value.tracks.length} songs` : 'no songs';
  return `Answered: ${moodText}; ${trendText}; ${songText}.`;
}
