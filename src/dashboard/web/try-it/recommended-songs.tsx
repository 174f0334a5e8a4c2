import type { ApiError } from '../api/client';
import type { RecommendationReason, RecommendedTrack, Recommendations } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { decimal, percent } from '../format';

/** Where Spotify opens a track for a person (the API's own `href` is for programs). */
export const spotifyTrackUrl = (id: string) =>
  `https://open.spotify.com/track/${encodeURIComponent(id)}`;

/** Names the score's factors read as on screen. */
const FACTOR_NAMES: Record<string, string> = {
  same_artist: 'same artist as a seed',
  same_album: 'same album as a seed',
  genre: "seeds' genres",
  mood: 'mood',
  popularity: 'popularity',
  targets: 'trend targets',
  negative_seed: 'near a skipped track',
  // The learnt second stage's parts (src/recommendations/learnt-ranking.ts).
  style_fit: "the seeds' common sound",
  artist_seeds: 'seeds by the same artist',
  artist_closeness: "artist's sound",
  artist_popularity_gap: "artist's popularity",
  year_closeness: 'release year',
  year_typical: "seeds' era",
  popularity_gap: 'popularity like the seeds',
  same_name: 'another version of a seed',
  artist_genres: "artist's genres",
  other: 'everything else',
};

/**
 * The songs the service recommends for the history, each with why: the seed it is closest to, the
 * largest signed parts of its score, the trend targets it meets, and any variety penalty.
 */
export function RecommendedSongs({
  answer,
  history,
}: {
  answer: Recommendations;
  history: unknown;
}) {
  const names = trackNames(history);
  return (
    <section class="card" aria-labelledby="songs-heading" data-testid="recommended-songs">
      <h2 id="songs-heading">Recommended songs</h2>
      <p>{moodSentence(answer.mood)}</p>
      <p class="muted">
        Seeds: the {answer.seeds.length} latest distinct tracks played; targets: the trend&apos;s
        forecast above. {answer.tracks.length} songs from the catalog, none already played.
      </p>
      {answer.tracks.length === 0 ? (
        <p>No catalog track passed the filters.</p>
      ) : (
        <ol class="song-list">
          {answer.tracks.map((track, index) => (
            <Song key={track.id} track={track} rank={index + 1} names={names} />
          ))}
        </ol>
      )}
    </section>
  );
}

function Song(props: { track: RecommendedTrack; rank: number; names: Map<string, string> }) {
  const { track } = props;
  const title = track.name ?? track.id;
  const year = track.album.release_date?.slice(0, 4);
  return (
    <li class="song" data-track-id={track.id}>
      <div class="song-head">
        <div class="song-title">
          <strong>{title}</strong>
          <span>{track.artists.map((artist) => artist.name).join(', ') || 'Unknown artist'}</span>
          {track.album.name && (
            <span class="muted">
              {track.album.name}
              {year && ` (${year})`}
            </span>
          )}
        </div>
        <a
          class="spotify-link"
          href={spotifyTrackUrl(track.id)}
          target="_blank"
          rel="noopener noreferrer"
          aria-label={`Open ${title} in Spotify (new tab)`}
        >
          Open in Spotify
        </a>
      </div>
      {track.genres.length > 0 && (
        <ul class="chips" aria-label="Genres">
          {track.genres.map((genre) => (
            <li key={genre} class="chip">
              {genre}
            </li>
          ))}
        </ul>
      )}
      {track.reason && <Reason reason={track.reason} names={props.names} />}
    </li>
  );
}

function Reason({ reason, names }: { reason: RecommendationReason; names: Map<string, string> }) {
  const total = reason.contributions.reduce((sum, part) => sum + Math.abs(part.value), 0) || 1;
  const seed = reason.closest_seed;
  return (
    <details class="reason">
      <summary>
        Why: score {decimal(reason.score, 2)}
        {seed &&
          `, closest to ${seedName(seed.id, seed.type, names)} (similarity ${percent(seed.similarity, 0)})`}
      </summary>
      <h3 class="reason-heading">Parts of the score</h3>
      <ul class="contributions">
        {reason.contributions.map((part) => {
          const share = part.value / total;
          return (
            <li key={part.factor}>
              <span class="contribution-label">{FACTOR_NAMES[part.factor] ?? part.factor}</span>
              <span class="bar-track" aria-hidden="true">
                <span
                  class={`bar-fill ${share < 0 ? 'bar-negative' : 'bar-positive'}`}
                  style={{ width: `${Math.abs(share) * 100}%` }}
                />
              </span>
              <span class="bar-value">
                {share >= 0 ? '+' : '−'}
                {percent(Math.abs(share), 0)}
              </span>
            </li>
          );
        })}
      </ul>
      <p class="muted">
        Shares of the score&apos;s parts (signed, out of the sum of their sizes).
        {seed && ` Distance to the closest seed: ${decimal(seed.distance, 2)} standard deviations.`}
      </p>
      <p>
        {reason.targets_met.length > 0
          ? `Meets the targets of ${reason.targets_met
              .map(
                (met) => `${met.feature} (${decimal(met.value, 2)} for ${decimal(met.target, 2)})`,
              )
              .join(', ')}.`
          : 'Meets none of the targets within half a standard deviation.'}
      </p>
      <p>
        {reason.diversity_penalty > 0
          ? `Variety penalty −${decimal(reason.diversity_penalty, 2)}${
              reason.similar_to ? ` for resembling ${reason.similar_to}` : ''
            }.`
          : 'No variety penalty.'}
      </p>
    </details>
  );
}

function moodSentence(mood: Recommendations['mood']): string {
  if (!mood) return 'No mood preferred: no mood model is active.';
  const how =
    mood.source === 'model'
      ? `the listener's mood as the model predicts it${mood.confidence === null ? '' : ` (${percent(mood.confidence)})`}`
      : 'the mood asked for';
  return `Preferring ${mood.name} songs: ${how}.`;
}

function seedName(id: string, type: string, names: Map<string, string>): string {
  const name = names.get(id);
  return type === 'track' ? `“${name ?? id}”` : `${type} ${id}`;
}

/** Track names of the history by id, where it has them, to name the seeds. */
function trackNames(history: unknown): Map<string, string> {
  const rows = Array.isArray(history)
    ? history
    : typeof history === 'object' && history !== null && 'tracks' in history
      ? history.tracks
      : [];
  const names = new Map<string, string>();
  if (!Array.isArray(rows)) return names;
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) continue;
    const { id, name } = row as { id?: unknown; name?: unknown };
    if (typeof id === 'string' && typeof name === 'string') names.set(id, name);
  }
  return names;
}

/** Why no songs: an empty or loading catalog gets its remedy, anything else the service's words. */
export function RecommendationsFailed({ error }: { error: ApiError }) {
  const hint =
    error.code === 'CATALOG_EMPTY'
      ? 'The catalog is empty, so there is nothing to recommend yet. An administrator can import one in the Catalog tab (a CSV or NDJSON file), or with npm run catalog:import.'
      : error.code === 'CATALOG_LOADING'
        ? 'The catalog is still loading into memory after the service started. Try again in a moment.'
        : undefined;
  return (
    <section class="card" aria-labelledby="songs-heading" data-testid="recommended-songs">
      <h2 id="songs-heading">Recommended songs</h2>
      {hint && (
        <p class="notice-box" data-testid="catalog-hint">
          {hint}
        </p>
      )}
      <ErrorMessage error={error} context="No songs" />
    </section>
  );
}
