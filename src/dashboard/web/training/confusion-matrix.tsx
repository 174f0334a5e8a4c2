import type { MoodSplitMetrics } from '../api/types';
import { heatColour, readableTextOn } from '../charts/colour';
import { percent } from '../format';

/**
 * The confusion matrix as a heat map that is also a real table: rows are the true mood, columns the
 * predicted one; each cell's shade is its share of the true mood's tracks, so the diagonal reads as
 * recall and a dark cell off it is a confusion worth a look.
 */
export function ConfusionMatrix({ split }: { split: MoodSplitMetrics }) {
  const { labels, matrix } = split.confusion_matrix;
  return (
    <div>
      <h3 id="matrix-heading">Confusion matrix</h3>
      <p class="muted" id="matrix-help">
        Rows: the true mood; columns: the predicted mood. A cell&apos;s shade is its share of the
        row&apos;s tracks; the outlined diagonal is what the model got right.
      </p>
      <div class="matrix-scroll" role="region" aria-labelledby="matrix-heading" tabIndex={0}>
        <table
          class="confusion-matrix"
          data-testid="confusion-matrix"
          aria-labelledby="matrix-heading"
          aria-describedby="matrix-help"
        >
          <thead>
            <tr>
              <th scope="col" class="corner">
                true ↓ predicted →
              </th>
              {labels.map((label) => (
                <th key={label} scope="col" class="predicted">
                  <span>{label}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.map((row, i) => {
              const total = row.reduce((sum, count) => sum + count, 0);
              return (
                <tr key={labels[i]}>
                  <th scope="row">{labels[i]}</th>
                  {row.map((count, j) => {
                    const share = total ? count / total : 0;
                    const background = heatColour(share);
                    return (
                      <td
                        key={labels[j]}
                        class={i === j ? 'diagonal' : undefined}
                        style={{ background, color: readableTextOn(background) }}
                        title={`${labels[i]} predicted as ${labels[j]}: ${count} of ${total} (${percent(share, 0)})`}
                      >
                        {count}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
