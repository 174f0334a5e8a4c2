import type { QueryPlan } from './query-plan';
import type { ScoringTerms } from './scoring-terms';

/** A scored track of the candidate pool. */
export interface Candidate {
  slot: number;
  score: number;
}

/** How large the candidate pool is, and how many of its tracks may share a first-credited artist. */
export interface PoolLimits {
  size: number;
  perArtist: number;
}

/**
 * Finds the candidate pool: the best-scoring allowed tracks, best first (equal scores by track id),
 * keeping at most `perArtist` tracks of any first-credited artist, at most `size` in all. The tree
 * search below; tests and benchmarks check it against an exhaustive scan (test/helpers).
 */
export type PoolSearch = (plan: QueryPlan, limits: PoolLimits) => Candidate[];

/**
 * The pool so far: a heap with the worst candidate on top (lower score, or on equal scores the larger
 * track id), so each new track is compared with the worst once, plus each artist's candidates. A
 * track better than the worst of its artist's full quota replaces that one. The worst score only
 * ever rises, so it is a valid threshold for pruning: the final pool is the best `size` of each
 * artist's best `perArtist` tracks, whatever order the tracks come in.
 */
export class BestCandidates {
  private readonly slots: Int32Array;
  private readonly scores: Float64Array;
  private readonly positions = new Map<number, number>();
  private readonly byArtist = new Map<number, number[]>();
  private readonly terms: ScoringTerms;
  private count = 0;

  constructor(
    private readonly plan: QueryPlan,
    private readonly limits: PoolLimits,
  ) {
    this.slots = new Int32Array(limits.size);
    this.scores = new Float64Array(limits.size);
    this.terms = plan.terms;
  }

  /** The score a node must be able to reach to matter (-Infinity until the pool is full). */
  get threshold(): number {
    return this.count === this.limits.size ? this.scores[0] : -Infinity;
  }

  /**
   * Scores a track and keeps it if it belongs in the pool. With `bonusCap` (a bound of its bonuses)
   * the scoring may stop as soon as the track cannot beat the worst of a full pool (exact); without
   * one, the track is scored in full.
   */
  offer(slot: number, bonusCap = Infinity): void {
    const score = this.terms.score(slot, this.threshold, bonusCap);
    if (score === -Infinity) return;
    if (this.count === this.limits.size && !this.better(score, slot, this.scores[0], this.slots[0]))
      return;
    if (!this.plan.allowed(slot)) return;
    const artist = this.plan.firstArtist(slot);
    const quota = artist >= 0 ? this.byArtist.get(artist) : undefined;
    if (quota && quota.length >= this.limits.perArtist) {
      const worst = quota.reduce((a, b) =>
        this.better(this.scoreOf(a), a, this.scoreOf(b), b) ? b : a,
      );
      if (!this.better(score, slot, this.scoreOf(worst), worst)) return;
      this.removeAt(this.positions.get(worst)!);
    } else if (this.count === this.limits.size) {
      this.removeAt(0);
    }
    this.insert(slot, score, artist);
  }

  /** Best first. */
  sorted(): Candidate[] {
    const candidates: Candidate[] = [];
    for (let i = 0; i < this.count; i++)
      candidates.push({ slot: this.slots[i], score: this.scores[i] });
    return candidates.sort((a, b) => b.score - a.score || this.compareIds(a.slot, b.slot));
  }

  private scoreOf(slot: number): number {
    return this.scores[this.positions.get(slot)!];
  }

  /** Track a ranks before track b: a higher score, or the same score and a smaller id. */
  private better(scoreA: number, a: number, scoreB: number, b: number): boolean {
    return scoreA > scoreB || (scoreA === scoreB && this.compareIds(a, b) < 0);
  }

  private compareIds(a: number, b: number): number {
    return this.plan.index.compareIds(a, b);
  }

  private insert(slot: number, score: number, artist: number): void {
    const i = this.count++;
    this.place(i, slot, score);
    this.siftUp(i);
    if (artist < 0) return;
    const quota = this.byArtist.get(artist);
    if (quota) quota.push(slot);
    else this.byArtist.set(artist, [slot]);
  }

  private removeAt(i: number): void {
    const slot = this.slots[i];
    this.positions.delete(slot);
    const artist = this.plan.firstArtist(slot);
    const quota = artist >= 0 ? this.byArtist.get(artist) : undefined;
    if (quota) quota.splice(quota.indexOf(slot), 1);
    const last = --this.count;
    if (i === last) return;
    const moved = this.slots[last];
    this.place(i, moved, this.scores[last]);
    this.siftUp(i);
    this.siftDown(this.positions.get(moved)!);
  }

  private place(i: number, slot: number, score: number): void {
    this.slots[i] = slot;
    this.scores[i] = score;
    this.positions.set(slot, i);
  }

  /** The entry at i ranks below the one at j. */
  private worse(i: number, j: number): boolean {
    return this.better(this.scores[j], this.slots[j], this.scores[i], this.slots[i]);
  }

  private swap(i: number, j: number): void {
    const slot = this.slots[i];
    const score = this.scores[i];
    this.place(i, this.slots[j], this.scores[j]);
    this.place(j, slot, score);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < this.count && this.worse(l, worst)) worst = l;
      if (r < this.count && this.worse(r, worst)) worst = r;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }
}

/**
 * Branch and bound over the index's k-d tree: nodes are opened best bound first, and the search stops
 * when no unopened node can beat the pool's worst track. Tracks added since the build (the tail) and
 * the tracks sharing an artist or an album with a seed (whose bonuses the node bounds leave out) are
 * scored first, one by one: they also give the pool a first threshold. In a leaf, a track is only
 * scored when a lower bound of its cost to the seed points still near the leaf lets it reach the
 * pool's worst score (CostBounds). Exact: a node or a track is only skipped when its bound is
 * strictly below the pool's worst score, and bounds hold for every track they skip.
 */
export const treeSearch: PoolSearch = (plan, limits) => {
  const best = new BestCandidates(plan, limits);
  const { slotCount, treeSize, tree, live } = plan.index.columns();
  for (let slot = treeSize; slot < slotCount; slot++) if (live[slot]) best.offer(slot);
  if (!tree || treeSize === 0) return best.sorted();

  const bounds = plan.bounds;
  for (const slot of bounds.affinitySlots) best.offer(slot);
  const cost = bounds.cost;
  let found = new Int32Array(64);
  const open = new NodeQueue();
  open.push(0, bounds.bound(0), cost.nearMask);
  while (open.length > 0) {
    if (open.topBound() < best.threshold) break;
    const near = open.topMask();
    const node = open.pop();
    if (tree.left[node] < 0) {
      const bonusCap = bounds.bonusBound(node);
      const limit = cost.costLimit(bonusCap, best.threshold);
      cost.openLeaf(tree, node, near);
      const skipAffinity = bounds.holdsAffinity(node);
      const start = tree.start[node];
      const end = tree.end[node];
      if (found.length < end - start) found = new Int32Array(end - start);
      const count = cost.scanLeaf(start, end, live, limit, found);
      for (let i = 0; i < count; i++) {
        if (skipAffinity && bounds.isAffinity(found[i])) continue;
        best.offer(found[i], bonusCap);
      }
      continue;
    }
    for (let side = 0; side < 2; side++) {
      const child = side === 0 ? tree.left[node] : tree.right[node];
      const childBound = bounds.bound(child, best.threshold, near);
      if (childBound > -Infinity && childBound >= best.threshold)
        open.push(child, childBound, cost.nearMask);
    }
  }
  return best.sorted();
};

/** Max-heap of tree nodes by bound, each with the mask of the seed points near it. */
class NodeQueue {
  private nodes = new Int32Array(256);
  private masks = new Int32Array(256);
  private bounds = new Float64Array(256);
  length = 0;

  push(node: number, bound: number, mask: number): void {
    if (this.length === this.nodes.length) {
      this.nodes = grown(this.nodes, new Int32Array(this.length * 2));
      this.masks = grown(this.masks, new Int32Array(this.length * 2));
      this.bounds = grown(this.bounds, new Float64Array(this.length * 2));
    }
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.bounds[parent] >= bound) break;
      this.move(parent, i);
      i = parent;
    }
    this.nodes[i] = node;
    this.masks[i] = mask;
    this.bounds[i] = bound;
  }

  topBound(): number {
    return this.bounds[0];
  }

  topMask(): number {
    return this.masks[0];
  }

  pop(): number {
    const top = this.nodes[0];
    const last = --this.length;
    const bound = this.bounds[last];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.length) break;
      const r = l + 1;
      const child = r < this.length && this.bounds[r] > this.bounds[l] ? r : l;
      if (this.bounds[child] <= bound) break;
      this.move(child, i);
      i = child;
    }
    this.move(last, i);
    return top;
  }

  private move(from: number, to: number): void {
    this.nodes[to] = this.nodes[from];
    this.masks[to] = this.masks[from];
    this.bounds[to] = this.bounds[from];
  }
}

function grown<T extends Int32Array | Float64Array>(array: T, into: T): T {
  into.set(array);
  return into;
}
