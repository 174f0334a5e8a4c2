/**
 * What a catalog imported from the TidyTuesday sample knows of each track beyond its audio
 * features, held the way the service's in-memory index would hold it: per track its artist, album,
 * release year, popularity and genres (the labels of the imported playlists it is in); per artist
 * its genre counts over its tracks (Spotify's genres are an artist's); and the imported playlists
 * as postings (playlist → tracks) with the reverse lists (track → playlists, artist → playlists).
 *
 * Built without the hidden playlists (see protocol.ts). `view(playlist)` hides one more imported
 * playlist for one query: its labels and its membership disappear from every signal, which is what
 * training on an imported playlist needs (otherwise the learner would learn to trust a copy of the
 * answer).
 */
import { AUDIO_FEATURES } from '../../../src/common/tracks/audio-features';
import type { Sample } from '../tidytuesday';

/** Closeness columns, as the engine's index orders them: the 13 audio features, then popularity. */
export const CLOSENESS_COLUMNS = [...AUDIO_FEATURES, 'popularity'] as const;
export type ClosenessColumn = (typeof CLOSENESS_COLUMNS)[number];
const C = CLOSENESS_COLUMNS.length;

/** A track's membership of one imported playlist and the labels its rows there carry. */
interface Membership {
  playlist: number;
  labels: Int32Array;
}

export class CatalogSignals {
  readonly size: number;
  readonly ids: string[];
  readonly slotOf = new Map<string, number>();
  /** slot × CLOSENESS_COLUMNS raw values, NaN where unknown; `mean` and `sd` per column. */
  readonly values: Float64Array;
  readonly mean = new Float64Array(C);
  readonly sd = new Float64Array(C);
  /** Release year, NaN where unknown. */
  readonly year: Float64Array;
  /** First-credited artist (by name: the sample has no artist ids) and album, as dictionary ids. */
  readonly artistOf: Int32Array;
  readonly albumOf: Int32Array;
  readonly artistTracks: Int32Array[];
  /** Per artist, the mean of its tracks' values (raw, NaN where none is known). */
  readonly artistMean: Float64Array;
  /** Per track, its name's words (dictionary ids) with tf-idf weights of unit length. */
  readonly nameWords: Int32Array[];
  readonly nameWeights: Float64Array[];
  /** Per track, its name without version suffixes (` - Remix`, ` (feat. …)`), lower case. */
  readonly baseName: string[];
  /** Per artist, the words of its tracks' names (their tf-idf vectors summed, unit length). */
  readonly artistWords: Map<number, number>[];
  readonly labelNames: string[] = [];
  readonly playlistIds: string[] = [];
  readonly playlistTracks: Int32Array[];
  /** Per imported playlist, its distinct artists. */
  readonly playlistArtists: Int32Array[];
  private readonly playlistIndex = new Map<string, number>();
  private readonly memberships: Membership[][];
  /** Per track, the labels of all its imported playlists; per artist, label counts over its tracks. */
  private readonly trackLabelsAll: Int32Array[];
  private readonly artistLabelsAll: Float64Array[];
  private readonly artistPlaylistsAll: Int32Array[];

  constructor(sample: Sample, hidden: ReadonlySet<string>) {
    const records = sample.records;
    this.size = records.length;
    this.ids = records.map((record) => record.id);
    this.ids.forEach((id, slot) => this.slotOf.set(id, slot));
    this.values = new Float64Array(this.size * C);
    this.year = new Float64Array(this.size);
    this.artistOf = new Int32Array(this.size);
    this.albumOf = new Int32Array(this.size);
    const artists = new Map<string, number>();
    const albums = new Map<string, number>();
    const dictionary = (map: Map<string, number>, key: string) => {
      let id = map.get(key);
      if (id === undefined) map.set(key, (id = map.size));
      return id;
    };
    records.forEach((record, slot) => {
      CLOSENESS_COLUMNS.forEach((column, c) => {
        const value = column === 'popularity' ? record.popularity : record.features[column];
        this.values[slot * C + c] = value ?? NaN;
      });
      this.year[slot] = record.album.year ?? NaN;
      this.artistOf[slot] = dictionary(artists, record.artists[0]?.name ?? '');
      this.albumOf[slot] = dictionary(albums, record.album.id ?? `track:${record.id}`);
    });
    this.standardise();
    this.artistTracks = groupBy(this.artistOf, artists.size);
    this.artistMean = new Float64Array(artists.size * C);
    this.artistTracks.forEach((slots, artist) => {
      for (let c = 0; c < C; c++) {
        let n = 0;
        let sum = 0;
        for (const slot of slots) {
          const value = this.values[slot * C + c];
          if (value === value) {
            n++;
            sum += value;
          }
        }
        this.artistMean[artist * C + c] = n > 0 ? sum / n : NaN;
      }
    });
    const names = nameVectors(records.map((record) => record.name ?? ''));
    this.nameWords = names.words;
    this.nameWeights = names.weights;
    this.artistWords = this.artistTracks.map((slots) => {
      const words = new Map<number, number>();
      for (const slot of slots)
        this.nameWords[slot].forEach((word, i) =>
          words.set(word, (words.get(word) ?? 0) + this.nameWeights[slot][i]),
        );
      const norm = Math.hypot(...words.values()) || 1;
      for (const [word, weight] of words) words.set(word, weight / norm);
      return words;
    });
    this.baseName = records.map((record) =>
      (record.name ?? '')
        .toLowerCase()
        .split(/ - | \(| \[/)[0]
        .trim(),
    );

    const labels = new Map<string, number>();
    const byPlaylist: number[][] = [];
    this.memberships = records.map(() => []);
    for (const membership of sample.memberships) {
      if (hidden.has(membership.playlistId)) continue;
      let playlist = this.playlistIndex.get(membership.playlistId);
      if (playlist === undefined) {
        playlist = this.playlistIds.length;
        this.playlistIndex.set(membership.playlistId, playlist);
        this.playlistIds.push(membership.playlistId);
        byPlaylist.push([]);
      }
      const slot = this.slotOf.get(membership.trackId)!;
      byPlaylist[playlist].push(slot);
      this.memberships[slot].push({
        playlist,
        labels: Int32Array.from(membership.labels, (label) => dictionary(labels, label)),
      });
    }
    this.labelNames.push(...labels.keys());
    this.playlistTracks = byPlaylist.map((slots) => Int32Array.from(slots));
    this.playlistArtists = byPlaylist.map((slots) =>
      Int32Array.from(new Set(slots.map((slot) => this.artistOf[slot]))),
    );
    this.trackLabelsAll = this.memberships.map((list) => labelsOf(list, -1));
    this.artistLabelsAll = this.artistTracks.map((slots) =>
      this.labelCounts(slots, (slot) => this.trackLabelsAll[slot]),
    );
    this.artistPlaylistsAll = this.artistTracks.map((slots) =>
      Int32Array.from(
        new Set([...slots].flatMap((slot) => this.memberships[slot].map((m) => m.playlist))),
      ),
    );
  }

  get artistCount(): number {
    return this.artistTracks.length;
  }

  get labelCount(): number {
    return this.labelNames.length;
  }

  /** The signals with imported playlist `playlistId` hidden too (nothing hidden for an unknown id). */
  view(playlistId?: string): SignalView {
    return new SignalView(
      this,
      playlistId === undefined ? -1 : (this.playlistIndex.get(playlistId) ?? -1),
    );
  }

  /** Per label, how many of `slots` carry it. */
  labelCounts(
    slots: ArrayLike<number>,
    labelsOfSlot: (slot: number) => ArrayLike<number>,
  ): Float64Array {
    const counts = new Float64Array(this.labelCount);
    for (let i = 0; i < slots.length; i++) {
      const labels = labelsOfSlot(slots[i]);
      for (let j = 0; j < labels.length; j++) counts[labels[j]]++;
    }
    return counts;
  }

  /** @internal for SignalView */
  membershipsOf(slot: number): readonly Membership[] {
    return this.memberships[slot];
  }

  /** @internal for SignalView */
  allLabels(slot: number): Int32Array {
    return this.trackLabelsAll[slot];
  }

  /** @internal for SignalView */
  allArtistLabels(artist: number): Float64Array {
    return this.artistLabelsAll[artist];
  }

  /** @internal for SignalView */
  allArtistPlaylists(artist: number): Int32Array {
    return this.artistPlaylistsAll[artist];
  }

  private standardise(): void {
    for (let c = 0; c < C; c++) {
      let n = 0;
      let sum = 0;
      let squares = 0;
      for (let slot = 0; slot < this.size; slot++) {
        const value = this.values[slot * C + c];
        if (value !== value) continue;
        n++;
        sum += value;
        squares += value * value;
      }
      this.mean[c] = n > 0 ? sum / n : 0;
      const variance = n > 0 ? squares / n - this.mean[c] ** 2 : 0;
      this.sd[c] = variance > 1e-12 ? Math.sqrt(variance) : 1;
    }
  }
}

/** The catalog's signals for one query, with one more imported playlist hidden (or none, -1). */
export class SignalView {
  private readonly artistLabelCache = new Map<number, Float64Array>();
  private readonly touchedTracks: Set<number>;
  private readonly touchedArtists: Set<number>;

  constructor(
    readonly signals: CatalogSignals,
    readonly hiddenPlaylist: number,
  ) {
    const tracks = hiddenPlaylist >= 0 ? signals.playlistTracks[hiddenPlaylist] : new Int32Array(0);
    this.touchedTracks = new Set(tracks);
    this.touchedArtists = new Set([...tracks].map((slot) => signals.artistOf[slot]));
  }

  /** The track's genres: the labels of its imported playlists. */
  trackLabels(slot: number): Int32Array {
    if (!this.touchedTracks.has(slot)) return this.signals.allLabels(slot);
    return labelsOf(this.signals.membershipsOf(slot), this.hiddenPlaylist);
  }

  /** Per label, how many of the artist's tracks carry it. */
  artistLabels(artist: number): Float64Array {
    if (!this.touchedArtists.has(artist)) return this.signals.allArtistLabels(artist);
    let counts = this.artistLabelCache.get(artist);
    if (!counts) {
      counts = this.signals.labelCounts(this.signals.artistTracks[artist], (slot) =>
        this.trackLabels(slot),
      );
      this.artistLabelCache.set(artist, counts);
    }
    return counts;
  }

  /** The imported playlists the track is in. */
  trackPlaylists(slot: number): number[] {
    return this.signals
      .membershipsOf(slot)
      .map((m) => m.playlist)
      .filter((playlist) => playlist !== this.hiddenPlaylist);
  }

  /** The imported playlists holding a track of the artist. */
  artistPlaylists(artist: number): Int32Array {
    const all = this.signals.allArtistPlaylists(artist);
    if (!this.touchedArtists.has(artist)) return all;
    return all.filter((playlist) => playlist !== this.hiddenPlaylist);
  }
}

/**
 * Each name as its distinct words (lower case, letters and digits) weighted by inverse document
 * frequency, made unit length, so that the cosine of two names is a dot product.
 */
function nameVectors(names: string[]): { words: Int32Array[]; weights: Float64Array[] } {
  const dictionary = new Map<string, number>();
  const documentFrequency: number[] = [];
  const tokenised = names.map((name) => {
    const words = new Set(
      name
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length > 0),
    );
    return Int32Array.from(words, (word) => {
      let id = dictionary.get(word);
      if (id === undefined) {
        dictionary.set(word, (id = documentFrequency.length));
        documentFrequency.push(0);
      }
      documentFrequency[id]++;
      return id;
    });
  });
  const weights = tokenised.map((words) => {
    const w = Float64Array.from(
      words,
      (id) => Math.log((names.length + 1) / (documentFrequency[id] + 1)) + 1,
    );
    const norm = Math.hypot(...w);
    return norm > 0 ? w.map((x) => x / norm) : w;
  });
  return { words: tokenised, weights };
}

function labelsOf(memberships: readonly Membership[], hiddenPlaylist: number): Int32Array {
  const labels = new Set<number>();
  for (const membership of memberships)
    if (membership.playlist !== hiddenPlaylist) membership.labels.forEach((l) => labels.add(l));
  return Int32Array.from(labels).sort();
}

function groupBy(keys: Int32Array, count: number): Int32Array[] {
  const groups: number[][] = Array.from({ length: count }, () => []);
  keys.forEach((key, slot) => groups[key].push(slot));
  return groups.map((slots) => Int32Array.from(slots));
}
