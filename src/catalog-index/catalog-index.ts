import {
  AUDIO_FEATURE_RULES,
  AUDIO_FEATURES,
  type AudioFeature,
  type AudioFeatureRule,
} from '../common/tracks/audio-features';
import {
  type CatalogArtist,
  type CatalogFeatures,
  type CatalogTrackRecord,
  type TrackView,
  toTrackView,
} from '../catalog/catalog-track';
import type { CatalogLookup, CatalogTrackFacts } from '../common/listening/catalog-lookup';
import { CatalogNameIndex } from '../common/listening/catalog-name-index';
import { FeatureTree, planTree } from './structures/feature-tree';
import { float32ToDecimal } from './structures/float32-decimal';
import { kernelFloat32Array } from './structures/kernel-memory';
import { Postings } from './structures/postings';
import { SlotLists } from './structures/slot-lists';
import { CatalogVocabulary } from './structures/vocabulary';
import type { SnapshotParts } from './structures/snapshot-parts';
import { IdTable, StringStore } from './structures/string-store';

/** The numeric columns the index holds per track: the 13 audio features, then popularity. */
export const INDEX_COLUMNS = [...AUDIO_FEATURES, 'popularity'] as const;
export type IndexColumn = (typeof INDEX_COLUMNS)[number];
export const COLUMN_COUNT = INDEX_COLUMNS.length;
export const POPULARITY_COLUMN = INDEX_COLUMNS.indexOf('popularity');

/** Value rules of each column: the audio features' own, and popularity's 0–100. */
export const COLUMN_RULES: Readonly<Record<IndexColumn, AudioFeatureRule>> = {
  ...AUDIO_FEATURE_RULES,
  popularity: { min: 0, max: 100, integer: true },
};

export interface CatalogIndexOptions {
  /** Tracks per tree leaf (default 32). */
  leafSize?: number;
  /**
   * How much each column matters to the searches the tree serves (default 1 for every column); a
   * column weighted 0 is never split on. Pass the scoring's weights so the tree cuts where it prunes.
   */
  splitWeights?: Partial<Record<IndexColumn, number>>;
}

/** The arrays a search reads, as they are now; valid until the index next changes. */
export interface IndexColumns {
  /** Slots in use (live or not); slots [0, treeSize) are in the tree, the rest are its tail. */
  slotCount: number;
  treeSize: number;
  tree: FeatureTree | undefined;
  /** slot × COLUMN_COUNT raw values (float32), NaN where the catalog lacks the value. */
  values: Float32Array;
  live: Uint8Array;
  album: Int32Array;
  artistStart: Int32Array;
  artistCount: Uint16Array;
  artistPool: Int32Array;
  genreStart: Int32Array;
  genreCount: Uint16Array;
  genrePool: Int32Array;
  /** Predicted mood label (index into moodLabels()), -1 where not scored yet. */
  moodLabel: Int8Array;
  moodProbability: Float32Array;
}

/**
 * Tracks per leaf of the tree. With the WebAssembly leaf scan a track costs a few nanoseconds and
 * a node bound about a hundred, so larger leaves than the JavaScript scan wanted pay: on 1M tracks
 * (GET, 5 seeds, 3 targets, 2 filters; CPU p50) 32 → 3.6 ms, 64 → 3.1, 128 → 3.0, 256 → 3.0
 * without genres, 32 → 2.3, 128 → 2.1 with them.
 */
const DEFAULT_LEAF_SIZE = 128;
const INITIAL_CAPACITY = 1024;
const REBUILD_TAIL_SHARE = 0.1;
const REBUILD_DEAD_SHARE = 0.25;

/**
 * The catalog in memory: a column store in typed arrays, so that recommendations never touch the
 * database per request. Per track: the 13 audio features and popularity as float32 (NaN where
 * unknown), explicit, album, artists and genres as ints into dictionaries (with per-artist and
 * per-album postings), the predicted mood, and the id and name (UTF-8 bytes, see StringStore),
 * which is all a track view needs.
 *
 * Values are kept raw, not standardised: searches standardise through the per-column mean and
 * standard deviation of the build (`mean`, `sd`), which costs nothing (the scale folds into each
 * column's weight), lets min/max filters compare exact values, and gives track views back the
 * imported values. Tracks are stored in the order of a k-d tree over those values (see
 * FeatureTree); `upsert` and `remove` change the index in place (new tracks go to an unordered tail
 * that searches scan), and `rebuilt()` makes a fresh, fully ordered copy to swap in.
 */
export class CatalogIndex implements CatalogLookup {
  private ids = new StringStore();
  private names = new StringStore();
  private readonly slotById = new IdTable(() => this.ids);
  private capacity = 0;
  private slotCount = 0;
  private liveTracks = 0;
  private values = new Float32Array(0);
  private live = new Uint8Array(0);
  private explicit = new Int8Array(0);
  private album = new Int32Array(0);
  private artists = new SlotLists();
  private genres = new SlotLists();
  private moodLabel = new Int8Array(0);
  private moodProbability = new Float32Array(0);
  private moodLabelNames: string[] = [];

  private vocabulary = new CatalogVocabulary();
  private artistTracks = Postings.empty();
  private albumTracks = Postings.empty();

  /** Per column, the mean and (population) standard deviation of the present values at the build. */
  readonly mean = new Float64Array(COLUMN_COUNT);
  readonly sd = new Float64Array(COLUMN_COUNT).fill(1);
  private tree?: FeatureTree;
  private treeSize = 0;
  /** Tracks by artist + title for plays without an id (see tracksByName), made on first use. */
  private nameIndex?: CatalogNameIndex;
  private changes = 0;

  private constructor(private readonly options: CatalogIndexOptions) {
    this.grow(INITIAL_CAPACITY);
  }

  /** Builds an index from the catalog's batched read (any iterable of record batches). */
  static async build(
    batches: AsyncIterable<CatalogTrackRecord[]> | Iterable<CatalogTrackRecord[]>,
    options: CatalogIndexOptions = {},
  ): Promise<CatalogIndex> {
    const index = new CatalogIndex(options);
    for await (const batch of batches) for (const record of batch) index.write(record);
    index.finish();
    return index;
  }

  static fromRecords(
    records: Iterable<CatalogTrackRecord>,
    options: CatalogIndexOptions = {},
  ): CatalogIndex {
    const index = new CatalogIndex(options);
    for (const record of records) index.write(record);
    index.finish();
    return index;
  }

  /**
   * Saves the index in parts (see index-snapshot.ts): only a fresh build, with no change since (no
   * tail, no removed track), and without the moods (a model's predictions, scored again).
   */
  saveTo(parts: SnapshotParts): void {
    if (this.slotCount !== this.treeSize || this.liveTracks !== this.slotCount)
      throw new Error('Only a freshly built index can be saved');
    const n = this.slotCount;
    parts.meta.index = {
      slotCount: n,
      options: this.options,
      mean: Array.from(this.mean),
      sd: Array.from(this.sd),
      columns: INDEX_COLUMNS,
    };
    parts.put('values', this.values.subarray(0, n * COLUMN_COUNT));
    parts.put('explicit', this.explicit.subarray(0, n));
    parts.put('album', this.album.subarray(0, n));
    this.ids.saveTo(parts, 'ids', n);
    this.names.saveTo(parts, 'names', n);
    this.slotById.saveTo(parts, 'slotById');
    this.artists.saveTo(parts, 'artists', n);
    this.genres.saveTo(parts, 'genres', n);
    this.artistTracks.saveTo(parts, 'artistTracks');
    this.albumTracks.saveTo(parts, 'albumTracks');
    this.vocabulary.saveTo(parts);
    this.tree?.saveTo(parts);
  }

  /** An index as saveTo saved it (throws on parts of another layout). */
  static loadFrom(parts: SnapshotParts): CatalogIndex {
    const meta = parts.value<{
      slotCount: number;
      options: CatalogIndexOptions;
      mean: number[];
      sd: number[];
      columns: string[];
    }>('index');
    if (meta.columns.join() !== INDEX_COLUMNS.join())
      throw new Error('The saved index has other columns');
    const index = new CatalogIndex(meta.options);
    const n = meta.slotCount;
    index.capacity = n;
    index.slotCount = n;
    index.liveTracks = n;
    index.treeSize = n;
    index.mean.set(meta.mean);
    index.sd.set(meta.sd);
    index.values = parts.get('values', Float32Array);
    index.explicit = parts.get('explicit', Int8Array);
    index.album = parts.get('album', Int32Array);
    index.live = new Uint8Array(n).fill(1);
    index.moodLabel = new Int8Array(n).fill(-1);
    index.moodProbability = new Float32Array(n);
    index.ids = StringStore.loadFrom(parts, 'ids');
    index.names = StringStore.loadFrom(parts, 'names');
    index.slotById.loadFrom(parts, 'slotById');
    index.artists = SlotLists.loadFrom(parts, 'artists');
    index.genres = SlotLists.loadFrom(parts, 'genres');
    index.artistTracks = Postings.loadFrom(parts, 'artistTracks');
    index.albumTracks = Postings.loadFrom(parts, 'albumTracks');
    index.vocabulary = CatalogVocabulary.loadFrom(parts);
    if (parts.meta['tree.shape']) {
      index.tree = FeatureTree.loadFrom(parts);
      index.tree.resetMoods(0);
    }
    if (index.values.length !== n * COLUMN_COUNT || index.album.length !== n)
      throw new Error('The saved index is inconsistent');
    return index;
  }

  /** A fresh index over the live tracks (tree order, new statistics), to swap in for this one. */
  rebuilt(options: CatalogIndexOptions = this.options): CatalogIndex {
    const index = new CatalogIndex(options);
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.live[slot]) index.write(this.record(slot));
    }
    index.setMoodLabels(this.moodLabelNames);
    index.finish();
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.live[slot] && this.moodLabel[slot] >= 0) {
        index.setMood(
          index.slotById.get(this.idOf(slot))!,
          this.moodLabel[slot],
          this.moodProbability[slot],
        );
      }
    }
    return index;
  }

  /** Adds new tracks and replaces known ones, in place (a change notice's upserted tracks). */
  upsert(records: Iterable<CatalogTrackRecord>): void {
    for (const record of records) {
      this.changes++;
      const slot = this.write(record);
      if (slot < this.treeSize) this.tree!.widen(slot, this.values, this.genresOf(slot));
    }
  }

  /** Removes tracks by id, in place; unknown ids are ignored. Returns how many were removed. */
  remove(ids: Iterable<string>): number {
    let removed = 0;
    for (const id of ids) {
      const slot = this.slotById.get(id);
      if (slot === undefined) continue;
      this.slotById.delete(id);
      this.nameIndex?.remove(slot);
      this.countCredits(slot, -1);
      this.live[slot] = 0;
      this.liveTracks--;
      if (slot < this.treeSize) this.tree!.removeLive(slot);
      this.changes++;
      removed++;
    }
    return removed;
  }

  /**
   * True when enough has changed since the build (new tracks in the unordered tail, removed tracks
   * still taking space) that searches slow down: time to swap in `rebuilt()`.
   */
  needsRebuild(): boolean {
    const tail = this.slotCount - this.treeSize;
    const dead = this.slotCount - this.liveTracks;
    return (
      tail > Math.max(1000, this.treeSize * REBUILD_TAIL_SHARE) ||
      dead > Math.max(1000, this.slotCount * REBUILD_DEAD_SHARE)
    );
  }

  /** Starts a new mood model's predictions: every track's mood is cleared until setMoods. */
  setMoodLabels(labels: readonly string[]): void {
    if (labels.length > 127) throw new RangeError('At most 127 mood labels');
    this.moodLabelNames = [...labels];
    this.moodLabel.fill(-1);
    this.tree?.resetMoods(labels.length);
  }

  /** A background scorer's batch: the predicted mood (label index) and its probability per track id. */
  setMoods(
    ids: readonly string[],
    labels: ArrayLike<number>,
    probabilities: ArrayLike<number>,
  ): number {
    let set = 0;
    ids.forEach((id, i) => {
      const slot = this.slotById.get(id);
      if (slot === undefined) return;
      this.setMood(slot, labels[i], probabilities[i]);
      set++;
    });
    return set;
  }

  moodLabels(): readonly string[] {
    return this.moodLabelNames;
  }

  /**
   * Counts the in-place changes of the tracks (upsert, remove; not moods), so that what is derived
   * from them can be cached for one index and count. Not the catalog's version in the database.
   */
  get trackChanges(): number {
    return this.changes;
  }

  /** Live tracks. */
  get size(): number {
    return this.liveTracks;
  }

  columns(): IndexColumns {
    return {
      slotCount: this.slotCount,
      treeSize: this.treeSize,
      tree: this.tree,
      values: this.values,
      live: this.live,
      album: this.album,
      artistStart: this.artists.start,
      artistCount: this.artists.count,
      artistPool: this.artists.pool,
      genreStart: this.genres.start,
      genreCount: this.genres.count,
      genrePool: this.genres.pool,
      moodLabel: this.moodLabel,
      moodProbability: this.moodProbability,
    };
  }

  /** The live slot of a track id. */
  slotOf(id: string): number | undefined {
    return this.slotById.get(id);
  }

  idOf(slot: number): string {
    return this.ids.get(slot)!;
  }

  /** Order of two tracks' ids (byte-wise UTF-8): how ties are broken everywhere. */
  compareIds(a: number, b: number): number {
    return this.ids.compare(a, b);
  }

  /** The track's name, null where the catalog lacks it. */
  nameOf(slot: number): string | null {
    return this.names.get(slot);
  }

  /** The release year of the track's album, null where unknown. */
  yearOf(slot: number): number | null {
    return this.vocabulary.album(this.album[slot]).year;
  }

  /** Artists matching a seed: by Spotify id, else by name (case-insensitive), with live tracks. */
  findArtists(idOrName: string): number[] {
    return this.vocabulary.findArtists(idOrName);
  }

  artist(artist: number): CatalogArtist {
    return this.vocabulary.artist(artist);
  }

  /** The live tracks crediting an artist, in slot order. */
  tracksOfArtist(artist: number): number[] {
    return this.artistTracks.collect(
      artist,
      (slot) => this.live[slot] === 1 && this.credits(slot, artist),
    );
  }

  /** The other live tracks of a slot's album; none where the album is unknown (no id, no name). */
  tracksOfAlbum(album: number): number[] {
    const info = this.vocabulary.album(album);
    if (info.id === null && info.name === null) return [];
    return this.albumTracks.collect(
      album,
      (slot) => this.live[slot] === 1 && this.album[slot] === album,
    );
  }

  /** Genres matching a seed (case, hyphens and spacing ignored), with live tracks. */
  findGenres(name: string): number[] {
    return this.vocabulary.findGenres(name);
  }

  genreName(genre: number): string {
    return this.vocabulary.genreName(genre);
  }

  get genreDictionarySize(): number {
    return this.vocabulary.genres.size;
  }

  /** Artist ids run from 0 to this (some without live tracks any more). */
  get artistDictionarySize(): number {
    return this.vocabulary.artists.size;
  }

  /** Live tracks carrying a genre. */
  genreTrackCount(genre: number): number {
    return this.vocabulary.genres.trackCount(genre);
  }

  /** The track as imported (feature values read back from float32, see float32ToDecimal). */
  record(slot: number): CatalogTrackRecord {
    const features = this.featuresOf(slot);
    const popularity = this.popularityOf(slot);
    const explicit = this.explicit[slot];
    return {
      id: this.idOf(slot),
      name: this.nameOf(slot),
      artists: Array.from(this.artistsOf(slot), (artist) => ({
        ...this.vocabulary.artist(artist),
      })),
      album: { ...this.vocabulary.album(this.album[slot]) },
      popularity,
      explicit: explicit < 0 ? null : explicit === 1,
      genres: Array.from(this.genresOf(slot), (genre) => this.vocabulary.genreName(genre)),
      features,
    };
  }

  /** The track with this id, as the listening resolver asks for it (see CatalogLookup). */
  trackById(id: string): CatalogTrackFacts | undefined {
    const slot = this.slotById.get(id);
    return slot === undefined ? undefined : this.facts(slot);
  }

  /** The live tracks one of whose artists has this key and whose title has this key (name-key.ts). */
  tracksByName(artistKey: string, titleKey: string): CatalogTrackFacts[] {
    return this.trackNameIndex()
      .find(artistKey, titleKey)
      .map((slot) => this.facts(slot));
  }

  hasArtistId(id: string): boolean {
    return this.vocabulary.hasArtistId(id);
  }

  hasArtistName(artistKey: string): boolean {
    return this.vocabulary.hasArtistNameKey(artistKey);
  }

  /**
   * The name index over the live tracks, built on the first play without an id (a second or so
   * for a million tracks) and kept in step with every change after; a rebuild's new slots start
   * without one.
   */
  private trackNameIndex(): CatalogNameIndex {
    if (!this.nameIndex) {
      const index = new CatalogNameIndex((slot) => ({
        title: this.nameOf(slot),
        artists: Array.from(this.artistsOf(slot), (artist) => this.vocabulary.artist(artist).name),
      }));
      for (let slot = 0; slot < this.slotCount; slot++) if (this.live[slot]) index.add(slot);
      this.nameIndex = index;
    }
    return this.nameIndex;
  }

  private facts(slot: number): CatalogTrackFacts {
    return {
      id: this.idOf(slot),
      title: this.nameOf(slot),
      artists: Array.from(this.artistsOf(slot), (artist) => this.vocabulary.artist(artist)),
      album: this.vocabulary.album(this.album[slot]).name,
      popularity: this.popularityOf(slot),
      features: this.featuresOf(slot),
    };
  }

  /** A track's features as imported (read back from float32, see float32ToDecimal); null: absent. */
  private featuresOf(slot: number): CatalogFeatures {
    const base = slot * COLUMN_COUNT;
    const features = {} as CatalogFeatures;
    AUDIO_FEATURES.forEach((feature: AudioFeature, c) => {
      const v = this.values[base + c];
      features[feature] = v === v ? float32ToDecimal(v) : null;
    });
    return features;
  }

  private popularityOf(slot: number): number | null {
    const popularity = this.values[slot * COLUMN_COUNT + POPULARITY_COLUMN];
    return popularity === popularity ? popularity : null;
  }

  trackView(slot: number): TrackView {
    return toTrackView(this.record(slot));
  }

  artistsOf(slot: number): Int32Array {
    return this.artists.of(slot);
  }

  genresOf(slot: number): Int32Array {
    return this.genres.of(slot);
  }

  albumOf(slot: number): number {
    return this.album[slot];
  }

  private setMood(slot: number, label: number, probability: number): void {
    if (!Number.isInteger(label) || label < 0 || label >= this.moodLabelNames.length) {
      throw new RangeError(
        `Mood label ${label} is not one of the ${this.moodLabelNames.length} labels`,
      );
    }
    if (!(probability >= 0 && probability <= 1)) {
      throw new RangeError(`Mood probability ${probability} is not within 0…1`);
    }
    this.moodLabel[slot] = label;
    this.moodProbability[slot] = probability;
    if (slot < this.treeSize) this.tree!.raiseMood(slot, label, this.moodProbability[slot]);
  }

  /** Stores a record in its slot (a new one at the end for an unknown id) and returns the slot. */
  private write(record: CatalogTrackRecord): number {
    let slot = this.slotById.get(record.id);
    if (slot === undefined) {
      slot = this.slotCount++;
      if (slot >= this.capacity) this.grow(this.capacity * 2);
      this.ids.set(slot, record.id);
      this.slotById.add(slot);
      this.live[slot] = 1;
      this.liveTracks++;
    } else {
      this.nameIndex?.remove(slot);
      this.countCredits(slot, -1);
    }
    this.names.set(slot, record.name);
    const base = slot * COLUMN_COUNT;
    for (let c = 0; c < AUDIO_FEATURES.length; c++) {
      this.values[base + c] = asValue(record.features[AUDIO_FEATURES[c]]);
    }
    this.values[base + POPULARITY_COLUMN] = asValue(record.popularity);
    this.explicit[slot] = record.explicit === null ? -1 : record.explicit ? 1 : 0;
    this.album[slot] = this.vocabulary.internAlbum(record);
    this.artists.begin(slot);
    for (const artist of record.artists) this.artists.push(this.vocabulary.internArtist(artist));
    this.artists.end();
    this.genres.begin(slot);
    for (const genre of record.genres) this.genres.push(this.vocabulary.internGenre(genre));
    this.genres.end();
    this.moodLabel[slot] = -1;
    this.moodProbability[slot] = 0;
    this.countCredits(slot, 1);
    this.nameIndex?.add(slot);
    // Before finish() there are no postings yet: it builds them from every slot at once.
    if (this.tree) {
      this.albumTracks.add(this.album[slot], slot);
      for (const artist of this.artistsOf(slot)) this.artistTracks.add(artist, slot);
    }
    return slot;
  }

  /** Statistics, tree order and postings: the build's last step. */
  private finish(): void {
    const liveSlots = new Int32Array(this.liveTracks);
    for (let slot = 0, i = 0; slot < this.slotCount; slot++)
      if (this.live[slot]) liveSlots[i++] = slot;
    this.computeStatistics(liveSlots);
    const weights = this.options.splitWeights ?? {};
    const splitScale = INDEX_COLUMNS.map(
      (column, c) => (weights[column] ?? 1) / (this.sd[c] * this.sd[c]),
    );
    const layout = planTree(
      this.values,
      COLUMN_COUNT,
      liveSlots,
      splitScale,
      this.options.leafSize ?? DEFAULT_LEAF_SIZE,
      {
        start: this.genres.start,
        count: this.genres.count,
        pool: this.genres.pool,
        genres: this.vocabulary.genres.size,
      },
    );
    this.reorder(layout.order);
    this.artistTracks = Postings.build(this.vocabulary.artists.size, this.slotCount, (slot, emit) =>
      this.artistsOf(slot).forEach(emit),
    );
    this.albumTracks = Postings.build(this.vocabulary.albums.size, this.slotCount, (slot, emit) =>
      emit(this.album[slot]),
    );
    this.tree = new FeatureTree(
      layout,
      COLUMN_COUNT,
      Math.ceil(this.vocabulary.genres.size / 32) + 1,
    );
    this.tree.computeBounds(this.values, (slot, emit) => this.genresOf(slot).forEach(emit));
    this.tree.resetMoods(this.moodLabelNames.length);
    this.treeSize = this.slotCount;
  }

  private computeStatistics(liveSlots: Int32Array): void {
    for (let c = 0; c < COLUMN_COUNT; c++) {
      let count = 0;
      let sum = 0;
      for (const slot of liveSlots) {
        const v = this.values[slot * COLUMN_COUNT + c];
        if (v === v) {
          count++;
          sum += v;
        }
      }
      const mean = count > 0 ? sum / count : 0;
      let squares = 0;
      for (const slot of liveSlots) {
        const v = this.values[slot * COLUMN_COUNT + c];
        if (v === v) squares += (v - mean) * (v - mean);
      }
      const sd = count > 0 ? Math.sqrt(squares / count) : 0;
      this.mean[c] = mean;
      // A constant (or absent) column has no spread to standardise by: its raw unit stands in.
      this.sd[c] = sd > 1e-12 ? sd : 1;
    }
  }

  /** Moves the live tracks into `order` (slot i ← old slot order[i]), dropping removed ones. */
  private reorder(order: Int32Array): void {
    const n = order.length;
    const old = {
      values: this.values,
      explicit: this.explicit,
      album: this.album,
      moodLabel: this.moodLabel,
      moodProbability: this.moodProbability,
    };
    this.artists = this.artists.reordered(order);
    this.genres = this.genres.reordered(order);
    this.ids = this.ids.reordered(order);
    this.names = this.names.reordered(order);
    this.slotCount = n;
    this.nameIndex = undefined;
    this.grow(Math.max(n, 1), false);
    this.slotById.reset(n);
    for (let to = 0; to < n; to++) {
      const from = order[to];
      this.slotById.add(to);
      for (let c = 0; c < COLUMN_COUNT; c++) {
        this.values[to * COLUMN_COUNT + c] = old.values[from * COLUMN_COUNT + c];
      }
      this.live[to] = 1;
      this.explicit[to] = old.explicit[from];
      this.album[to] = old.album[from];
      this.moodLabel[to] = old.moodLabel[from];
      this.moodProbability[to] = old.moodProbability[from];
    }
  }

  /** Reallocates every per-slot array to `capacity` slots, keeping their contents or not. */
  private grow(capacity: number, keep = true): void {
    const resize = <T extends Float32Array | Int32Array | Int8Array | Uint8Array | Uint16Array>(
      array: T,
      make: (length: number) => T,
      perSlot = 1,
    ): T => {
      const grown = make(capacity * perSlot);
      if (keep) grown.set(array.subarray(0, Math.min(array.length, grown.length)));
      return grown;
    };
    // The tree's values (from the build's reordering on) lie in a kernel memory, for the search's
    // WebAssembly leaf scan; while the build is still reading tracks, plain memory serves.
    const valuesIn = this.tree || !keep ? kernelFloat32Array : (n: number) => new Float32Array(n);
    this.values = resize(this.values, valuesIn, COLUMN_COUNT);
    this.live = resize(this.live, (length) => new Uint8Array(length));
    this.explicit = resize(this.explicit, (length) => new Int8Array(length));
    this.album = resize(this.album, (length) => new Int32Array(length));
    if (keep) {
      this.artists.resize(capacity);
      this.genres.resize(capacity);
      this.ids.resize(capacity);
      this.names.resize(capacity);
    }
    this.moodLabel = resize(this.moodLabel, (length) => new Int8Array(length));
    this.moodProbability = resize(this.moodProbability, (length) => new Float32Array(length));
    this.capacity = capacity;
  }

  /** Adds (+1) or withdraws (-1) a slot's credits to its artists' and genres' live counts. */
  private countCredits(slot: number, delta: 1 | -1): void {
    for (const artist of this.artistsOf(slot)) this.vocabulary.artists.addTracks(artist, delta);
    for (const genre of this.genresOf(slot)) this.vocabulary.genres.addTracks(genre, delta);
    this.vocabulary.albums.addTracks(this.album[slot], delta);
  }

  private credits(slot: number, artist: number): boolean {
    return this.artistsOf(slot).includes(artist);
  }
}

function asValue(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : NaN;
}
