import { useMemo, useState } from 'preact/hooks';
import type { EpochRecord, MoodMetrics, TrainingRun } from '../api/types';
import { LineChart, type LineChartSpec, type LineSeries } from '../charts/line-chart';
import { decimal, percent } from '../format';

type History = NonNullable<TrainingRun['history']>;

const TRAIN_COLOUR = '#0b5cad';
const HELD_OUT_COLOUR = '#b3420e';
const FINAL_FIT_COLOUR = '#1a7f37';

/**
 * A run's learning curves: loss and accuracy by epoch of one candidate's cross-validation (training
 * and held-out, each the mean over its fold models) with the deployed model's final fit beside them.
 * The chosen candidate is shown first; the others can be picked.
 */
export function LearningCurves({
  history,
  metrics,
}: {
  history: History;
  metrics: MoodMetrics | null;
}) {
  const candidates = Object.keys(history.cross_validation);
  const chosen = metrics?.model.candidate;
  const [picked, setPicked] = useState<string>();
  const candidate =
    picked ?? (chosen && candidates.includes(chosen) ? chosen : candidates[0]) ?? '';
  const cv = history.cross_validation[candidate] ?? [];
  const best = metrics?.model.candidates.find((score) => score.name === candidate)?.best_epoch;
  const charts = useMemo(
    () => curveSpecs(cv, history.final_fit, candidate),
    [cv, history.final_fit, candidate],
  );

  if (cv.length === 0 && history.final_fit.length === 0) return null;
  return (
    <section class="learning-curves" aria-labelledby="curves-heading" data-testid="learning-curves">
      <h3 id="curves-heading">Loss and accuracy by epoch</h3>
      {candidates.length > 1 && (
        <label class="inline-label">
          Input set{' '}
          <select
            value={candidate}
            onChange={(event) => setPicked((event.target as HTMLSelectElement).value)}
          >
            {candidates.map((name) => (
              <option key={name} value={name}>
                {name}
                {name === chosen ? ' (chosen)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <p class="muted">{curvesSummary(cv, history.final_fit, candidate, best)}</p>
      <div class="chart-grid curve-grid">
        {charts.map((chart) => (
          <figure key={chart.title} class="chart-card" data-curve={chart.key}>
            <figcaption>
              <strong>{chart.title}</strong>
              <span>{chart.caption}</span>
            </figcaption>
            <LineChart spec={chart.spec} />
          </figure>
        ))}
      </div>
    </section>
  );
}

interface CurveChart {
  key: 'loss' | 'accuracy';
  title: string;
  caption: string;
  spec: LineChartSpec;
}

function curveSpecs(cv: EpochRecord[], finalFit: EpochRecord[], candidate: string): CurveChart[] {
  const epochs = [...new Set([...cv, ...finalFit].map((record) => record.epoch))].sort(
    (a, b) => a - b,
  );
  const along = (records: EpochRecord[], pick: (record: EpochRecord) => number | null) => {
    const byEpoch = new Map(records.map((record) => [record.epoch, pick(record)]));
    return epochs.map((epoch) => byEpoch.get(epoch) ?? null);
  };
  const make = (
    key: 'loss' | 'accuracy',
    title: string,
    train: (record: EpochRecord) => number | null,
    heldOut: (record: EpochRecord) => number | null,
    format: (value: number) => string,
  ): CurveChart => {
    const series: LineSeries[] = [
      { label: 'Training (CV)', values: along(cv, train), colour: TRAIN_COLOUR },
      { label: 'Held-out (CV)', values: along(cv, heldOut), colour: HELD_OUT_COLOUR },
      {
        label: 'Final fit',
        values: along(finalFit, train),
        colour: FINAL_FIT_COLOUR,
        dash: [6, 4],
      },
    ];
    const last = (values: (number | null)[]) =>
      values.filter((value): value is number => value !== null).at(-1);
    const caption = series
      .map((line) => `${line.label} ${maybe(last(line.values), format)}`)
      .join('; ');
    return {
      key,
      title,
      caption: `last epoch: ${caption}`,
      spec: {
        label: `${title} by epoch of ${candidate}: ${caption}`,
        x: epochs,
        xAxis: 'number',
        height: 200,
        formatY: format,
        series,
      },
    };
  };
  return [
    make(
      'loss',
      'Loss',
      (record) => record.loss,
      (record) => record.val_loss,
      (value) => decimal(value, 3),
    ),
    make(
      'accuracy',
      'Accuracy',
      (record) => record.accuracy,
      (record) => record.val_accuracy,
      (value) => percent(value, 0),
    ),
  ];
}

function curvesSummary(
  cv: EpochRecord[],
  finalFit: EpochRecord[],
  candidate: string,
  best: number | undefined,
): string {
  const heldOut = cv.filter((record) => record.val_loss !== null);
  const lowest = heldOut.reduce<EpochRecord | undefined>(
    (low, record) => (low && low.val_loss! <= record.val_loss! ? low : record),
    undefined,
  );
  const parts = [
    `Cross-validation of ${candidate}: ${cv.length} epochs`,
    lowest &&
      `lowest held-out loss ${decimal(lowest.val_loss, 3)} at epoch ${lowest.epoch} (held-out accuracy ${percent(lowest.val_accuracy)})`,
    best !== undefined && `epochs chosen: ${best}`,
    finalFit.length > 0 &&
      `final fit: ${finalFit.length} epochs, training loss ${decimal(finalFit.at(-1)?.loss, 3)}`,
  ];
  return `${parts.filter(Boolean).join('; ')}.`;
}

function maybe(value: number | undefined, format: (value: number) => string): string {
  return value === undefined ? '—' : format(value);
}
