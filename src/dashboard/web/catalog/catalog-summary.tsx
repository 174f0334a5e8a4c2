import type { CatalogSummary } from '../api/types';
import { dateTime, duration, percent, shortId } from '../format';

const TOP_GENRES = 15;

/** A count written for people: 20,579. */
const count = (value: number) => value.toLocaleString('en');

/**
 * What the catalog holds: tracks, artists, genres and sources counted, the largest genres as bars,
 * and the share of tracks with each audio feature (what recommendations can compare on).
 */
export function CatalogSummaryView({ summary }: { summary: CatalogSummary }) {
  const topGenres = summary.genres.slice(0, TOP_GENRES);
  const largest = topGenres[0]?.tracks ?? 1;
  const coverage = Object.entries(summary.feature_coverage);
  return (
    <>
      <section class="card" aria-labelledby="catalog-heading" data-testid="catalog-summary">
        <h2 id="catalog-heading">Catalog</h2>
        <dl class="counts">
          <Count term="Tracks" value={summary.tracks} testId="catalog-tracks" />
          <Count term="Artists" value={summary.artists} testId="catalog-artists" />
          <Count term="Genres" value={summary.genres.length} testId="catalog-genres" />
          <Count term="Sources" value={summary.sources.length} testId="catalog-sources" />
        </dl>
        {summary.tracks === 0 && (
          <p class="notice-box">
            The catalog is empty: recommendations need one. Upload a catalog file here (admin) or
            run <code>npm run catalog:import</code>.
          </p>
        )}
        {summary.last_import && (
          <p class="muted">
            Last import: {summary.last_import.source} ({summary.last_import.format ?? 'format ?'}),{' '}
            {dateTime(summary.last_import.finished_at)}.
          </p>
        )}
        {summary.sources.length > 0 && (
          <details>
            <summary>Tracks by source</summary>
            <ul class="plain-list">
              {summary.sources.map((source) => (
                <li key={source.name}>
                  {source.name}: {count(source.tracks)}
                </li>
              ))}
            </ul>
          </details>
        )}
        <MoodScoring summary={summary} />
      </section>

      {topGenres.length > 0 && (
        <section class="card" aria-labelledby="genres-heading" data-testid="catalog-top-genres">
          <h2 id="genres-heading">Top genres</h2>
          <p class="muted">
            The {topGenres.length} genres with the most tracks, of {count(summary.genres.length)} (a
            track can carry several).
          </p>
          <ul class="bar-list" aria-label="Tracks per genre">
            {topGenres.map((genre) => (
              <li key={genre.name}>
                <span class="bar-list-label">{genre.name}</span>
                <span class="bar-track" aria-hidden="true">
                  <span
                    class="bar-fill bar-mood"
                    style={{ width: `${(genre.tracks / largest) * 100}%` }}
                  />
                </span>
                <span class="bar-value">{count(genre.tracks)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section class="card" aria-labelledby="coverage-heading" data-testid="feature-coverage">
        <h2 id="coverage-heading">Feature coverage</h2>
        <p class="muted">
          The share of tracks that have each audio feature. A feature few tracks have changes few
          rankings (its unknown values cost the same on average).
        </p>
        <ul class="bar-list" aria-label="Share of tracks with each feature">
          {coverage.map(([feature, share]) => (
            <li key={feature} data-feature={feature}>
              <span class="bar-list-label">{feature}</span>
              <span class="bar-track" aria-hidden="true">
                <span class="bar-fill bar-precision" style={{ width: `${share * 100}%` }} />
              </span>
              <span class="bar-value">{percent(share, 0)}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function Count(props: { term: string; value: number; testId: string }) {
  return (
    <div class="count" data-testid={props.testId}>
      <dt>{props.term}</dt>
      <dd>{count(props.value)}</dd>
    </div>
  );
}

/**
 * The catalog's mood predictions as newer versions of GET /catalog report them (`moods`: status,
 * model, tracks scored of those to score, last pass). Read defensively: an answer without it shows
 * nothing, one of another shape its plain figures.
 */
export interface CatalogMoods {
  /** no_model, waiting, scoring or done (another status is shown as it is). */
  status: string;
  model_id: string | null;
  scored: number;
  to_score: number;
  last_pass_ms: number | null;
}

export function catalogMoods(summary: CatalogSummary): Partial<CatalogMoods> | undefined {
  const moods = (summary as CatalogSummary & { moods?: unknown }).moods;
  return typeof moods === 'object' && moods !== null ? moods : undefined;
}

function MoodScoring({ summary }: { summary: CatalogSummary }) {
  const moods = catalogMoods(summary);
  if (!moods) return null;
  const { status, scored, to_score: toScore } = moods;
  const counted = typeof scored === 'number' && typeof toScore === 'number';
  const sentence =
    status === 'scoring' && counted
      ? `Predicting each track's mood: ${count(scored)} of ${count(toScore)} tracks.`
      : status === 'done'
        ? `Every track carries the mood model ${shortId(moods.model_id)} predicts for it${
            typeof moods.last_pass_ms === 'number'
              ? ` (last pass ${duration(moods.last_pass_ms)})`
              : ''
          }: recommendations can prefer a mood.`
        : status === 'no_model'
          ? 'No mood model is active, so tracks carry no mood: train one in the Training tab.'
          : status === 'waiting'
            ? 'Mood predictions start once the catalog has loaded into memory.'
            : undefined;
  const facts = Object.entries(moods).filter(
    (entry): entry is [string, number | string] =>
      typeof entry[1] === 'number' || typeof entry[1] === 'string',
  );
  return (
    <div data-testid="catalog-moods">
      <h3 class="sub-heading">Mood predictions</h3>
      {sentence ? (
        <p>{sentence}</p>
      ) : (
        <dl class="facts">
          {facts.map(([name, value]) => (
            <div class="fact" key={name}>
              <dt>{name.replace(/_/g, ' ')}</dt>
              <dd>{typeof value === 'number' ? count(value) : value}</dd>
            </div>
          ))}
        </dl>
      )}
      {status === 'scoring' && counted && toScore > 0 && (
        <progress max={toScore} value={scored} aria-label="Tracks whose mood is predicted">
          {percent(scored / toScore)}
        </progress>
      )}
    </div>
  );
}
