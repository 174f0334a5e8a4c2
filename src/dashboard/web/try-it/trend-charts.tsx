import { useMemo } from 'preact/hooks';
import type { TrendsAnswer } from '../api/types';
import { LineChart, type LineChartSpec } from '../charts/line-chart';
import { decimal, percent } from '../format';
import { featureValues, playedTracks, type PlayedTrack } from './track-history';

const PLAYED_COLOUR = '#0b5cad';
const FORECAST_COLOUR = '#b3420e';

const minutesAndSeconds = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

/** How each feature's values read, and their unit (the 0–1 features are plain decimals). */
const FEATURE_FORMATS: Record<string, { unit: string; format: (value: number) => string }> = {
  loudness: { unit: 'dB', format: (value) => decimal(value, 1) },
  tempo: { unit: 'BPM', format: (value) => decimal(value, 0) },
  duration_ms: { unit: 'min:s', format: minutesAndSeconds },
};
const PLAIN = { unit: '', format: (value: number) => decimal(value, 2) };

const clock = (seconds: number) =>
  new Date(seconds * 1000).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

interface FeatureTrend {
  feature: string;
  /** The feature's name with its unit. */
  title: string;
  spec: LineChartSpec;
  caption: string;
}

/**
 * Each forecast feature: the values played, over play time, and Prophet's forecast at the horizon
 * with its uncertainty interval (a bar), as a chart and as a sentence.
 */
export function TrendCharts({ answer, history }: { answer: TrendsAnswer; history: unknown }) {
  const trends = useMemo(() => featureTrends(answer, playedTracks(history)), [answer, history]);
  const { horizon, intervals } = answer;
  const seedQuery = new URLSearchParams(
    Object.entries(answer.spotify_query).map(([name, value]) => [name, String(value)]),
  ).toString();
  return (
    <section class="card" aria-labelledby="trends-heading" data-testid="trend-charts">
      <h2 id="trends-heading">Trends and targets for the next songs</h2>
      <p class="muted">
        Prophet fitted on {answer.history} tracks in play order; each orange dot is its forecast{' '}
        {horizon.periods} steps of {horizon.freq} after the last play (
        {clock(Date.parse(horizon.target_time) / 1000)})
        {intervals && <>, with its {percent(intervals.width, 0)} interval as a bar</>}.
        {answer.skipped.length > 0 &&
          ` ${answer.skipped.length} rows were not used (no play time, no features, or as listed under Rows read).`}
      </p>
      <div class="chart-grid">
        {trends.map((trend) => (
          <figure key={trend.feature} class="chart-card" data-feature={trend.feature}>
            <figcaption>
              <strong>{trend.title}</strong>
              <span>{trend.caption}</span>
            </figcaption>
            <LineChart spec={trend.spec} />
          </figure>
        ))}
      </div>
      <details>
        <summary>The same targets as a query for Spotify&apos;s GET /recommendations</summary>
        <code class="wrap">?{seedQuery}</code>
      </details>
    </section>
  );
}

function featureTrends(answer: TrendsAnswer, played: PlayedTrack[]): FeatureTrend[] {
  const target = Date.parse(answer.horizon.target_time) / 1000;
  const x = [...played.map((track) => track.playedAt), target];
  const noValue = played.map(() => null);
  const features = Object.keys(answer.metrics) as (keyof TrendsAnswer['metrics'])[];
  return features.map((feature) => {
    const forecast = answer.metrics[feature];
    const lower = answer.intervals?.lower[feature];
    const upper = answer.intervals?.upper[feature];
    const { unit, format } = FEATURE_FORMATS[feature] ?? PLAIN;
    const observed = featureValues(played, feature);
    const known = observed.filter((value): value is number => value !== null);
    const interval =
      lower !== undefined && upper !== undefined
        ? ` (interval ${format(lower)} to ${format(upper)})`
        : '';
    return {
      feature,
      title: unit ? `${feature} (${unit})` : feature,
      caption:
        known.length > 0
          ? `played ${format(known[0])} → ${format(known[known.length - 1])}; forecast ${format(forecast)}${interval}`
          : `forecast ${format(forecast)}${interval}`,
      spec: {
        label: `${feature}: values played over time, and the forecast ${format(forecast)}${interval}`,
        x,
        xAxis: 'time',
        height: 180,
        legend: false,
        formatY: format,
        series: [
          { label: 'Played', values: [...observed, null], colour: PLAYED_COLOUR, points: true },
          {
            label: 'Forecast',
            values: [...noValue, forecast],
            colour: FORECAST_COLOUR,
            points: true,
            line: false,
          },
        ],
        whiskers:
          lower !== undefined && upper !== undefined
            ? [{ x: target, lower, upper, colour: FORECAST_COLOUR }]
            : [],
      },
    };
  });
}
