/**
 * The playlist-continuation protocol every recommendation evaluation here follows, and the honest
 * catalog it runs on.
 *
 * Cases: every playlist of the TidyTuesday sample with at least MIN_PLAYLIST tracks, shuffled once
 * with SPLIT_SEED and cut into a tuning half (the only playlists anything is chosen or learnt on)
 * and a held-out half (only ever scored). A case gives SEEDS of its playlist's tracks as seed tracks
 * and asks for LIMIT recommendations; its hit@20 is the share of them in the playlist.
 *
 * Honest catalog: TidyTuesday's genres are the labels of the playlists a track sits in, and its
 * playlists are what co-membership would be learnt from, so a catalog that keeps a scored
 * playlist's labels and membership hands the recommender the answer. The catalog a case is scored
 * on is built without the hidden playlists (the held-out half): a track keeps the genres of the
 * other playlists it is in, and only those playlists are imported as playlists. A tuning playlist
 * used as a training query is hidden too, for that query only (leave-one-playlist-out).
 */
import type { CatalogTrackRecord } from '../../src/catalog/catalog-track';
import { seededRandom, shuffled } from '../../src/common/numeric';
import type { Sample, SamplePlaylist } from './tidytuesday';

export const SPLIT_SEED = 2026;
export const MIN_PLAYLIST = 25;
export const SEEDS = 5;
export const LIMIT = 20;
/** Training queries per tuning playlist (each a draw of SEEDS tracks), and the draws' seed. */
export const TRAINING_DRAWS = 4;
export const TRAINING_DRAW_SEED = SPLIT_SEED + 99;

export interface Case {
  playlist: SamplePlaylist;
  seeds: string[];
  members: Set<string>;
}

/** The two halves; the same cases, in the same order, on every run. */
export function evaluationCases(playlists: SamplePlaylist[]): { tuning: Case[]; heldOut: Case[] } {
  const eligible = playlists.filter((playlist) => playlist.trackIds.length >= MIN_PLAYLIST);
  const random = seededRandom(SPLIT_SEED);
  const order = shuffled(eligible, random);
  const cases = order.map((playlist) => ({
    playlist,
    seeds: shuffled(playlist.trackIds, random).slice(0, SEEDS),
    members: new Set(playlist.trackIds),
  }));
  const half = Math.ceil(cases.length / 2);
  return { tuning: cases.slice(0, half), heldOut: cases.slice(half) };
}

/**
 * More seed draws of the same playlists, for learning only: `draws` cases per playlist, the first
 * being the case itself. More queries per playlist average out the luck of one draw of seeds; the
 * held-out half is never redrawn.
 */
export function redrawn(cases: Case[], draws: number, seed: number): Case[] {
  const random = seededRandom(seed);
  return cases.flatMap((item) => [
    item,
    ...Array.from({ length: draws - 1 }, () => ({
      ...item,
      seeds: shuffled(item.playlist.trackIds, random).slice(0, SEEDS),
    })),
  ]);
}

/**
 * hit@LIMIT of one answer: the share of its first LIMIT tracks in the playlist. An answer that
 * repeats a track or recommends a seed is a bug in the recommender, not a miss.
 */
export function hitRate(item: Case, recommended: readonly string[]): number {
  const answer = recommended.slice(0, LIMIT);
  if (new Set(answer).size !== answer.length)
    throw new Error(`an answer for ${item.playlist.id} repeats a track`);
  let hits = 0;
  for (const id of answer) {
    if (item.seeds.includes(id))
      throw new Error(`${id} is a seed of ${item.playlist.id} and was recommended`);
    if (item.members.has(id)) hits++;
  }
  return hits / LIMIT;
}

/**
 * The catalog records as a catalog imported without `hidden` playlists holds them: each track's
 * genres are the labels of its rows in the other playlists (none when it is only in hidden ones).
 */
export function recordsWithout(sample: Sample, hidden: ReadonlySet<string>): CatalogTrackRecord[] {
  const genres = new Map<string, Set<string>>();
  for (const membership of sample.memberships) {
    if (hidden.has(membership.playlistId)) continue;
    let set = genres.get(membership.trackId);
    if (!set) genres.set(membership.trackId, (set = new Set()));
    membership.labels.forEach((label) => set.add(label));
  }
  return sample.records.map((record) => ({
    ...record,
    genres: [...(genres.get(record.id) ?? [])].sort(),
  }));
}

export function playlistIds(cases: readonly Case[]): Set<string> {
  return new Set(cases.map((item) => item.playlist.id));
}
