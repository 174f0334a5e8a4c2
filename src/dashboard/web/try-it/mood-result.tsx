import type { MoodPrediction } from '../api/types';
import { TableHead } from '../components/table-head';
import { percent, shortId } from '../format';

/** The listener's mood, every mood's probability as a bar, and each track's own prediction. */
export function MoodResult({ prediction }: { prediction: MoodPrediction }) {
  const ranked = Object.entries(prediction.probabilities).sort(([, a], [, b]) => b - a);
  return (
    <section class="card" aria-labelledby="mood-heading" data-testid="mood-result">
      <h2 id="mood-heading">Mood</h2>
      <p class="mood-answer">
        <span class="mood-name">{prediction.mood}</span>{' '}
        <span class="muted">{percent(prediction.confidence)} likely</span>
      </p>
      {prediction.alternatives.length > 0 && (
        <p data-testid="mood-alternatives">
          Next most likely:{' '}
          {prediction.alternatives
            .slice(0, 3)
            .map((alternative) => `${alternative.mood} (${percent(alternative.probability)})`)
            .join(', ')}
          .
        </p>
      )}
      <ul class="probabilities" aria-label="Probability of each mood">
        {ranked.map(([mood, probability]) => (
          <li key={mood}>
            <span class="probability-label">{mood}</span>
            <span class="bar-track" aria-hidden="true">
              <span class="bar-fill bar-mood" style={{ width: `${probability * 100}%` }} />
            </span>
            <span class="bar-value">{percent(probability)}</span>
          </li>
        ))}
      </ul>
      <p class="muted">
        From {prediction.tracks.length} tracks, by model <code>{shortId(prediction.model.id)}</code>
        ; the tracks&apos; probabilities are combined by summed log-probabilities.
        {prediction.skipped.length > 0 && ` ${prediction.skipped.length} rows skipped.`}
      </p>
      <details>
        <summary>Each track&apos;s mood</summary>
        <table class="data-table">
          <TableHead columns={['Row', 'Track', 'Mood', 'Probability']} />
          <tbody>
            {prediction.tracks.map((track) => (
              <tr key={track.row}>
                <td>{track.row}</td>
                <td>
                  <code class="wrap">{track.id ?? '—'}</code>
                </td>
                <td>{track.mood}</td>
                <td>{percent(track.probabilities[track.mood])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
