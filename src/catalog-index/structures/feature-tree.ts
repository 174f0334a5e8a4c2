import { kernelFloat32Arrays } from './kernel-memory';
import type { SnapshotParts } from './snapshot-parts';

/**
 * A k-d tree over the index's value columns, for exact branch-and-bound search. The index stores its
 * tracks in the tree's order, so each leaf is a contiguous run of slots and each node covers the slot
 * range [start, end). Every node keeps bounds that hold for every track under it:
 *  - per column, the smallest and largest present value (lo > hi when none is present) and whether
 *    some track lacks the value;
 *  - the genres its tracks carry (a bitset), the highest mood probability per mood label, and how
 *    many of its tracks are still live.
 * Changes after the build only widen bounds (an upserted track) or leave them loose (a removed one),
 * so they stay valid without a rebuild.
 */
export interface TreeLayout {
  /** order[i] = the slot (in the caller's numbering) that goes to position i. */
  order: Int32Array;
  start: Int32Array;
  end: Int32Array;
  /** Child nodes; -1 for a leaf. Node 0 is the root; children come after their parent. */
  left: Int32Array;
  right: Int32Array;
}

/** Split-column choice looks at this many rows of a node, evenly spaced. */
const SPLIT_SAMPLE = 64;
/** Nodes of at least this many leaves' worth of tracks may split by genre. */
const GENRE_SPLIT_LEAVES = 8;

/** Each slot's genres, as the index stores them (CSR). */
export interface SlotGenres {
  start: Int32Array;
  count: Uint16Array;
  pool: Int32Array;
  /** Genre ids are below this. */
  genres: number;
}

/**
 * Orders `slots` into a tree. Large nodes first split by genre (the tracks carrying a genre apart
 * from the rest), as long as some genre divides the node with at least a leaf on either side: the
 * genre bonus of a search can then rule out whole subtrees by their genres. Then nodes split at the
 * median of the column where their sampled tracks spread most, measured in the units of
 * `splitScale` (weight ÷ catalog variance per column: a column the scoring does not weigh is never
 * split on).
 */
export function planTree(
  values: Float32Array,
  columns: number,
  slots: Int32Array,
  splitScale: ArrayLike<number>,
  leafSize: number,
  genres?: SlotGenres,
): TreeLayout {
  const order = Int32Array.from(slots);
  const start: number[] = [];
  const end: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const newNode = (from: number, to: number): number => {
    start.push(from);
    end.push(to);
    left.push(-1);
    right.push(-1);
    return start.length - 1;
  };
  const genreCounts = new Int32Array(genres?.genres ?? 0);
  // Nodes to split, and whether a genre may still divide them: where none divides a node, none
  // divides any part of it either (a genre's count in a part is at most its count in the whole).
  const stack: [number, boolean][] = [[newNode(0, order.length), genres !== undefined]];
  while (stack.length > 0) {
    const [node, byGenre] = stack.pop()!;
    const from = start[node];
    const to = end[node];
    if (to - from <= leafSize) continue;
    let mid = -1;
    if (byGenre && to - from >= GENRE_SPLIT_LEAVES * leafSize) {
      mid = splitByGenre(genres!, genreCounts, order, from, to, leafSize);
    }
    const genreSplit = mid >= 0;
    if (mid < 0) {
      const column = widestColumn(values, columns, order, from, to, splitScale);
      if (column < 0) continue;
      mid = (from + to) >>> 1;
      selectNth(values, columns, column, order, from, to - 1, mid);
    }
    left[node] = newNode(from, mid);
    right[node] = newNode(mid, to);
    stack.push([right[node], genreSplit], [left[node], genreSplit]);
  }
  return {
    order,
    start: Int32Array.from(start),
    end: Int32Array.from(end),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
  };
}

/**
 * Moves the tracks carrying the genre that best halves the node to its front and returns where they
 * end; -1 when no genre leaves at least a leaf's worth of tracks on each side.
 */
function splitByGenre(
  genres: SlotGenres,
  counts: Int32Array,
  order: Int32Array,
  from: number,
  to: number,
  leafSize: number,
): number {
  const has = (slot: number, genre: number) => {
    for (let i = genres.start[slot]; i < genres.start[slot] + genres.count[slot]; i++) {
      if (genres.pool[i] === genre) return true;
    }
    return false;
  };
  counts.fill(0);
  for (let i = from; i < to; i++) {
    const slot = order[i];
    for (let j = genres.start[slot]; j < genres.start[slot] + genres.count[slot]; j++)
      counts[genres.pool[j]]++;
  }
  const size = to - from;
  let best = -1;
  let bestBalance = leafSize - 1;
  for (let genre = 0; genre < counts.length; genre++) {
    const balance = Math.min(counts[genre], size - counts[genre]);
    if (balance > bestBalance) {
      best = genre;
      bestBalance = balance;
    }
  }
  if (best < 0) return -1;
  let boundary = from;
  for (let i = from; i < to; i++) {
    if (!has(order[i], best)) continue;
    const swap = order[i];
    order[i] = order[boundary];
    order[boundary++] = swap;
  }
  return boundary;
}

function widestColumn(
  values: Float32Array,
  columns: number,
  order: Int32Array,
  from: number,
  to: number,
  splitScale: ArrayLike<number>,
): number {
  const step = Math.max(1, Math.floor((to - from) / SPLIT_SAMPLE));
  let best = -1;
  let bestSpread = 0;
  for (let c = 0; c < columns; c++) {
    if (!(splitScale[c] > 0)) continue;
    let count = 0;
    let sum = 0;
    let sumSquares = 0;
    for (let i = from; i < to; i += step) {
      const v = values[order[i] * columns + c];
      if (v !== v) continue;
      count++;
      sum += v;
      sumSquares += v * v;
    }
    if (count < 2) continue;
    const mean = sum / count;
    const spread = (sumSquares / count - mean * mean) * splitScale[c];
    if (spread > bestSpread) {
      bestSpread = spread;
      best = c;
    }
  }
  return best;
}

/** Hoare quickselect on `order[lo..hi]` by one column; a missing value sorts after every value. */
function selectNth(
  values: Float32Array,
  columns: number,
  column: number,
  order: Int32Array,
  lo: number,
  hi: number,
  nth: number,
): void {
  const key = (i: number): number => {
    const v = values[order[i] * columns + column];
    return v === v ? v : Infinity;
  };
  while (hi > lo) {
    const a = key(lo);
    const b = key((lo + hi) >>> 1);
    const c = key(hi);
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (key(i) < pivot) i++;
      while (key(j) > pivot) j--;
      if (i <= j) {
        const swap = order[i];
        order[i] = order[j];
        order[j] = swap;
        i++;
        j--;
      }
    }
    if (nth <= j) hi = j;
    else if (nth >= i) lo = i;
    else return;
  }
}

export class FeatureTree {
  readonly nodeCount: number;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly lo: Float32Array;
  readonly hi: Float32Array;
  /** Bit c set: some track of the node lacks column c. */
  readonly missing: Int32Array;
  readonly liveCount: Int32Array;
  /** Genre bitsets, `genreWords` 32-bit words per node. */
  readonly genreBits: Uint32Array;
  /** 1 when a genre id beyond the bitset was added since the build: the node may carry any genre. */
  readonly genreOverflow: Uint8Array;
  private moodLabelCount = 0;
  private moodMaxima = new Float32Array(0);

  constructor(
    layout: TreeLayout,
    readonly columns: number,
    readonly genreWords: number,
  ) {
    this.nodeCount = layout.start.length;
    this.start = layout.start;
    this.end = layout.end;
    this.left = layout.left;
    this.right = layout.right;
    // In one kernel memory, where the search's WebAssembly node bound reads them.
    const [lo, hi] = kernelFloat32Arrays([this.nodeCount * columns, this.nodeCount * columns]);
    this.lo = lo.fill(Infinity);
    this.hi = hi.fill(-Infinity);
    this.missing = new Int32Array(this.nodeCount);
    this.liveCount = new Int32Array(this.nodeCount);
    this.genreBits = new Uint32Array(this.nodeCount * genreWords);
    this.genreOverflow = new Uint8Array(this.nodeCount);
  }

  /** Leaf bounds from the tracks (already in tree order), then each parent as its children's union. */
  computeBounds(
    values: Float32Array,
    genresOf: (slot: number, emit: (genre: number) => void) => void,
  ): void {
    const { columns } = this;
    for (let node = this.nodeCount - 1; node >= 0; node--) {
      if (this.left[node] < 0) {
        for (let slot = this.start[node]; slot < this.end[node]; slot++) {
          this.include(node, values, slot * columns);
          genresOf(slot, (genre) => this.addGenre(node, genre));
        }
        this.liveCount[node] = this.end[node] - this.start[node];
        continue;
      }
      for (const child of [this.left[node], this.right[node]]) {
        for (let c = 0; c < columns; c++) {
          const i = node * columns + c;
          const j = child * columns + c;
          if (this.lo[j] < this.lo[i]) this.lo[i] = this.lo[j];
          if (this.hi[j] > this.hi[i]) this.hi[i] = this.hi[j];
        }
        this.missing[node] |= this.missing[child];
        this.liveCount[node] += this.liveCount[child];
        this.genreOverflow[node] |= this.genreOverflow[child];
        for (let w = 0; w < this.genreWords; w++) {
          this.genreBits[node * this.genreWords + w] |= this.genreBits[child * this.genreWords + w];
        }
      }
    }
  }

  /** The nodes from the root to the leaf holding `slot`. */
  pathTo(slot: number): number[] {
    const path = [0];
    let node = 0;
    while (this.left[node] >= 0) {
      node = slot < this.start[this.right[node]] ? this.left[node] : this.right[node];
      path.push(node);
    }
    return path;
  }

  /** An upserted track's new values and genres: widen every node on its path to cover them. */
  widen(slot: number, values: Float32Array, genres: ArrayLike<number>): void {
    for (const node of this.pathTo(slot)) {
      this.include(node, values, slot * this.columns);
      for (let g = 0; g < genres.length; g++) this.addGenre(node, genres[g]);
    }
  }

  removeLive(slot: number): void {
    for (const node of this.pathTo(slot)) this.liveCount[node]--;
  }

  get moodLabels(): number {
    return this.moodLabelCount;
  }

  /** The highest probability of `label` among the node's tracks predicted in that mood. */
  moodMax(node: number, label: number): number {
    return this.moodMaxima[node * this.moodLabelCount + label];
  }

  resetMoods(labelCount: number): void {
    this.moodLabelCount = labelCount;
    this.moodMaxima = new Float32Array(this.nodeCount * labelCount);
  }

  raiseMood(slot: number, label: number, probability: number): void {
    for (const node of this.pathTo(slot)) {
      const i = node * this.moodLabelCount + label;
      if (probability > this.moodMaxima[i]) this.moodMaxima[i] = probability;
    }
  }

  /** Saves the tree and its bounds (not the moods: a loaded index is scored again). */
  saveTo(parts: SnapshotParts): void {
    for (const [name, array] of Object.entries(this.arrays())) parts.put(`tree.${name}`, array);
    parts.meta['tree.shape'] = [this.columns, this.genreWords];
  }

  static loadFrom(parts: SnapshotParts): FeatureTree {
    const [columns, genreWords] = parts.value<[number, number]>('tree.shape');
    const layout = {
      order: new Int32Array(0),
      start: parts.get('tree.start', Int32Array),
      end: parts.get('tree.end', Int32Array),
      left: parts.get('tree.left', Int32Array),
      right: parts.get('tree.right', Int32Array),
    };
    const tree = new FeatureTree(layout, columns, genreWords);
    tree.lo.set(parts.get('tree.lo', Float32Array));
    tree.hi.set(parts.get('tree.hi', Float32Array));
    tree.missing.set(parts.get('tree.missing', Int32Array));
    tree.liveCount.set(parts.get('tree.liveCount', Int32Array));
    tree.genreBits.set(parts.get('tree.genreBits', Uint32Array));
    tree.genreOverflow.set(parts.get('tree.genreOverflow', Uint8Array));
    return tree;
  }

  private arrays() {
    return {
      start: this.start,
      end: this.end,
      left: this.left,
      right: this.right,
      lo: this.lo,
      hi: this.hi,
      missing: this.missing,
      liveCount: this.liveCount,
      genreBits: this.genreBits,
      genreOverflow: this.genreOverflow,
    };
  }

  get bytes(): number {
    return (
      this.start.byteLength * 4 +
      this.lo.byteLength * 2 +
      this.missing.byteLength * 2 +
      this.genreBits.byteLength +
      this.genreOverflow.byteLength +
      this.moodMaxima.byteLength
    );
  }

  private include(node: number, values: Float32Array, offset: number): void {
    const { columns } = this;
    for (let c = 0; c < columns; c++) {
      const v = values[offset + c];
      const i = node * columns + c;
      if (v !== v) {
        this.missing[node] |= 1 << c;
        continue;
      }
      if (v < this.lo[i]) this.lo[i] = v;
      if (v > this.hi[i]) this.hi[i] = v;
    }
  }

  private addGenre(node: number, genre: number): void {
    const word = genre >>> 5;
    if (word >= this.genreWords) this.genreOverflow[node] = 1;
    else this.genreBits[node * this.genreWords + word] |= 1 << (genre & 31);
  }
}
