import type { MoodMetrics, Spread } from '../api/types';
import { TableHead } from '../components/table-head';
import { percent } from '../format';

type CrossValidation = MoodMetrics['cross_validation'];
type SpreadMetric = keyof CrossValidation['spread'];

const METRICS: { key: SpreadMetric; label: string }[] = [
  { key: 'accuracy', label: 'Accuracy' },
  { key: 'macro_f1', label: 'Macro-F1' },
  { key: 'listener_accuracy_10', label: 'Mood of 10-track sets' },
];

/**
 * How much the figures move from one cross-validation fold to another: per metric the pooled value,
 * mean ± standard deviation over folds and their range, in text and as a band (range light, ± sd
 * dark, each fold a tick) on a 0–100 % scale.
 */
export function CrossValidationSpread({ cv }: { cv: CrossValidation }) {
  const rows = METRICS.filter(({ key }) => cv.spread[key] !== null);
  if (rows.length === 0) return null;
  return (
    <div class="cv-spread" data-testid="cv-spread">
      <h3>Spread over the {cv.folds} folds</h3>
      <p>
        Each fold scores playlists its network never saw; a wide band means the figure depends on
        which playlists are held out. Band on a 0–100 % scale: light, the range over the folds;
        dark, mean ± sd; a black tick per fold; orange, the mean.
      </p>
      <table class="data-table spread-table">
        <TableHead columns={['Metric', 'Mean ± sd', 'Range', 'Folds']} />
        <tbody>
          {rows.map(({ key, label }) => {
            const spread = cv.spread[key] as Spread;
            const folds = cv.per_fold
              .map((fold) => fold[key])
              .filter((value): value is number => value !== null);
            return (
              <tr key={key} data-metric={key}>
                <th scope="row">{label}</th>
                <td class="nowrap">
                  {percent(spread.mean)} ± {percent(spread.sd)}
                </td>
                <td class="nowrap">
                  {percent(spread.min, 0)}–{percent(spread.max, 0)}
                </td>
                <td class="spread-cell">
                  <SpreadBand spread={spread} folds={folds} label={label} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function SpreadBand(props: { spread: Spread; folds: number[]; label: string }) {
  const { spread } = props;
  const at = (value: number) => `${Math.min(100, Math.max(0, value * 100))}%`;
  const width = (from: number, to: number) =>
    `${Math.max(0.5, (Math.min(1, to) - Math.max(0, from)) * 100)}%`;
  return (
    <span
      class="spread-band"
      role="img"
      aria-label={`${props.label} per fold: ${props.folds.map((value) => percent(value)).join(', ')}`}
    >
      <span
        class="spread-range"
        style={{ left: at(spread.min), width: width(spread.min, spread.max) }}
      />
      <span
        class="spread-sd"
        style={{
          left: at(spread.mean - spread.sd),
          width: width(spread.mean - spread.sd, spread.mean + spread.sd),
        }}
      />
      {props.folds.map((value, index) => (
        <span key={index} class="spread-fold" style={{ left: at(value) }} />
      ))}
      <span class="spread-mean" style={{ left: at(spread.mean) }} />
    </span>
  );
}
