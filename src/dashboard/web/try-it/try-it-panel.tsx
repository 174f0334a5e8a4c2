import { useState } from 'preact/hooks';
import { api, ApiError, type TrendQuery } from '../api/client';
import type { MoodPrediction, Recommendations, TrendsAnswer } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { type HeldHistory, HistoryInput } from './history-input';
import { readListeningText } from './listening-text';
import { MoodResult } from './mood-result';
import { RecommendationsFailed, RecommendedSongs } from './recommended-songs';
import { ResolutionCard } from './resolution-card';
import { resolvedSummary } from './resolution';
import { TrendCharts } from './trend-charts';

/** A call's answer or its failure: one result section can fail while the others answer. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface Analysis {
  /** The history as sent, parsed, for drawing what was played beside what is forecast. */
  history: unknown;
  /** How it was sent: "JSON", "JSON Lines (120 lines)". */
  sentAs: string;
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
  const [held, setHeld] = useState<HeldHistory>();
  const [query, setQuery] = useState<TrendQuery>({ periods: 10, freq: '1min', interval: 0.8 });
  const [parseError, setParseError] = useState<string>();
  const [analysis, setAnalysis] = useState<Analysis>();
  const [busy, setBusy] = useState(false);

  const analyse = async (event: Event) => {
    event.preventDefault();
    const read = readListeningText(held?.text ?? text);
    if (!read.ok) {
      setParseError(read.message);
      return;
    }
    setParseError(undefined);
    setBusy(true);
    // Sent as given: the service recognises the shape and names any bad row by its path. One Blob
    // for the three calls: a string body would be encoded again for each (a second apiece at 30 MB).
    const body = new Blob([read.text], { type: read.contentType });
    // The three answers are independent: asked together, each shown or explained on its own.
    const [trends, mood, songs] = await Promise.all([
      outcomeOf(api.trends(body, query)),
      outcomeOf(api.predictMood(body)),
      outcomeOf(api.recommend(body, query)),
    ]);
    const sentAs =
      read.format === 'jsonl'
        ? `JSON Lines (${read.lines ?? 0} lines)`
        : read.lines === undefined
          ? 'JSON'
          : `a JSON array (${read.lines} rows)`;
    setAnalysis({ history: read.value, sentAs, trends, mood, songs });
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
          held={held}
          onHeld={setHeld}
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
        <button type="submit" disabled={busy || (!held && text.trim() === '')}>
          {busy ? 'Analysing…' : 'Analyse'}
        </button>
      </form>

      <p role="status" class="notice">
        {busy ? 'Asking the service…' : analysis ? summary(analysis) : ''}
      </p>
      <div class="stack" aria-busy={busy} data-testid="try-it-results">
        {analysis && <Answers analysis={analysis} />}
      </div>
    </div>
  );
}

/** Which answer's counts are shown: the songs', else the mood's, else the trend's. */
const RESOLUTION_SOURCES = [
  ['songs', 'POST /recommendations'],
  ['mood', 'POST /predict_mood'],
  ['trends', 'POST /metrics'],
] as const;

/** How the service read the history's rows, from the first answer that came back. */
function answeredResolution(analysis: Analysis) {
  for (const [name, source] of RESOLUTION_SOURCES) {
    const outcome = analysis[name];
    if (outcome.ok)
      return { source, resolved: outcome.value.resolved, skipped: outcome.value.skipped };
  }
  return undefined;
}

function Answers({ analysis }: { analysis: Analysis }) {
  const outcomes = [analysis.songs, analysis.mood, analysis.trends];
  const refusals = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));
  // A body none of the calls could read is one problem, explained once with each bad row's path.
  if (refusals.length === outcomes.length && refusals.every((error) => error.status === 400)) {
    return (
      <section class="card" data-testid="history-refused">
        <h2>History not read</h2>
        <ErrorMessage error={refusals[0]} context="The service could not read the history" />
      </section>
    );
  }
  const read = answeredResolution(analysis);
  return (
    <>
      {read && (
        <ResolutionCard
          resolved={read.resolved}
          skipped={read.skipped}
          source={read.source}
          sentAs={analysis.sentAs}
        />
      )}
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
  );
}

/** One sentence a screen reader announces when the answers arrive, and how the rows were read. */
function summary(analysis: Analysis): string {
  const { trends, mood, songs } = analysis;
  const moodText = mood.ok
    ? `mood ${mood.value.mood} (${Math.round(mood.value.confidence * 100)} %)`
    : 'no mood';
  const trendText = trends.ok
    ? `trends of ${Object.keys(trends.value.metrics).length} features over ${trends.value.history} tracks`
    : 'no trend';
  const songText = songs.ok ? `${songs.value.tracks.length} songs` : 'no songs';
  const read = answeredResolution(analysis);
  const rowsText = read ? ` ${resolvedSummary(read.resolved)}.` : '';
  return `Answered: ${moodText}; ${trendText}; ${songText}.${rowsText}`;
}
