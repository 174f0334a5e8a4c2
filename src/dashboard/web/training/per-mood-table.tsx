import type { MoodSplitMetrics } from '../api/types';
import { TableHead } from '../components/table-head';
import { percent } from '../format';

/** Precision and recall of each mood, as numbers with a bar beside each (the bars only repeat them). */
export function PerMoodTable({ split }: { split: MoodSplitMetrics }) {
  return (
    <div>
      <h3 id="per-mood-heading">Precision and recall by mood</h3>
      <p class="muted">
        Precision: of the tracks called this mood, the share that were. Recall: of this mood&apos;s
        tracks, the share found.
      </p>
      <table class="data-table per-mood" data-testid="per-mood" aria-labelledby="per-mood-heading">
        <TableHead columns={['Mood', 'Precision', 'Recall', 'Tracks']} />
        <tbody>
          {Object.entries(split.per_mood).map(([mood, scores]) => (
            <tr key={mood}>
              <th scope="row">{mood}</th>
              <td>
                <Bar value={scores.precision} kind="precision" />
              </td>
              <td>
                <Bar value={scores.recall} kind="recall" />
              </td>
              <td>{scores.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Bar({ value, kind }: { value: number; kind: 'precision' | 'recall' }) {
  return (
    <span class="bar-cell">
      <span class="bar-track" aria-hidden="true">
        <span class={`bar-fill bar-${kind}`} style={{ width: `${Math.round(value * 100)}%` }} />
      </span>
      <span class="bar-value">{percent(value, 0)}</span>
    </span>
  );
}
