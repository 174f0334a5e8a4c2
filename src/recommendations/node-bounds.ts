import { type CatalogIndex, COLUMN_COUNT, POPULARITY_COLUMN } from '../catalog-index/catalog-index';
import type { FeatureTree } from '../catalog-index/structures/feature-tree';
import { CostBounds } from './cost-bounds';
import { type ScoringSpec, type ScoringTerms, SLACK } from './scoring-terms';

/**
 * Upper bounds of a request's scores over the tracks under a node of the index's tree: what lets
 * the tree search skip most of the catalog and stay exact. The tracks that share an artist or an
 * album with a seed (the affinity tracks, which the artist and album bonuses go to) are few and
 * known from the postings: the search scores them first, one by one, and the bounds leave them out,
 * so that the bonuses of a few tracks do not loosen the bounds of every node on their paths. The
 * other bonuses are bounded from the node's own bounds (its genres, its highest mood
 * probabilities, its highest popularity), the cost (closeness and targets) from its value range per
 * column and whether a value is missing (CostBounds).
 *
 * The negative-seed penalty is not bounded here, on purpose: it is never negative and only ever
 * subtracted, so a bound of the score without it is a bound of the score with it
 * (bound(node) ≥ score(track) for every track under the node, node-bounds.spec.ts checks it with
 * negative seeds). So pruning never computes it: only the tracks a leaf scan scores pay for it. A
 * term that could raise a score would have to be bounded here.
 */
export class NodeBounds {
  private readonly tree: FeatureTree | undefined;
  /** The affinity tracks in the tree, ascending. */
  readonly affinitySlots: Int32Array;
  /** The same as a set, and the leaves holding one: a leaf's scan skips them. */
  private readonly affinity: Set<number>;
  private readonly affinityLeaves = new Set<number>();
  /** Bounds of the cost part of a score (closeness and targets), for nodes and single tracks. */
  readonly cost: CostBounds;

  constructor(
    private readonly terms: ScoringTerms,
    index: CatalogIndex,
    spec: ScoringSpec,
  ) {
    const { tree, treeSize } = index.columns();
    this.tree = tree;
    this.cost = new CostBounds(terms);
    const slots: number[] = [];
    if (terms.artistBonus !== 0)
      for (const artist of spec.affinityArtists) slots.push(...index.tracksOfArtist(artist));
    if (terms.albumBonus !== 0)
      for (const album of spec.affinityAlbums) slots.push(...index.tracksOfAlbum(album));
    this.affinity = new Set(slots.filter((slot) => slot < treeSize));
    this.affinitySlots = Int32Array.from(this.affinity).sort();
    if (!tree) return;
    for (const slot of this.affinitySlots) this.affinityLeaves.add(tree.pathTo(slot).at(-1)!);
  }

  /** True when the leaf holds an affinity track (which its scan must skip). */
  holdsAffinity(leaf: number): boolean {
    return this.affinityLeaves.size > 0 && this.affinityLeaves.has(leaf);
  }

  isAffinity(slot: number): boolean {
    return this.affinity.has(slot);
  }

  /**
   * An upper bound of score() over the node's live tracks but the affinity tracks; -Infinity when
   * none can pass or reach
   * `threshold`. `near`: a mask of seed points that holds every point near the node (its parent's
   * near points); the node's own are left in `cost.nearMask`.
   */
  bound(node: number, threshold = -Infinity, near = this.cost.allPoints): number {
    const terms = this.terms;
    const tree = this.tree!;
    if (tree.liveCount[node] <= 0) return -Infinity;
    const box = node * COLUMN_COUNT;
    const lo = tree.lo;
    const hi = tree.hi;
    for (let f = 0; f < terms.filterColumns.length; f++) {
      const c = terms.filterColumns[f];
      if (
        !(lo[box + c] <= hi[box + c]) ||
        hi[box + c] < terms.filterMin[f] ||
        lo[box + c] > terms.filterMax[f]
      )
        return -Infinity;
    }
    const bonus = this.bonusBound(node);
    const limit = this.cost.costLimit(bonus, threshold);
    if (limit < 0) return -Infinity;
    const least = this.cost.nodeLeast(tree, node, limit, near);
    return least === Infinity ? -Infinity : this.cost.scoreBound(bonus, least);
  }

  /**
   * An upper bound of the bonuses of the node's tracks but the affinity tracks (as ScoringTerms adds
   * them up: no artist or album bonus).
   */
  bonusBound(node: number): number {
    const terms = this.terms;
    const tree = this.tree!;
    let genre = 0;
    if (terms.genreBonus !== 0) {
      if (tree.genreOverflow[node]) genre = 1;
      else {
        const words = tree.genreWords;
        for (let i = 0; i < terms.seedGenres.length; i++) {
          const g = terms.seedGenres[i];
          if (tree.genreBits[node * words + (g >>> 5)] & (1 << (g & 31)))
            genre += terms.genreWeight[g];
        }
        genre = Math.min(1, genre);
      }
    }
    const popularity =
      terms.popularityBonus !== 0 ? tree.hi[node * COLUMN_COUNT + POPULARITY_COLUMN] : NaN;
    const mood =
      terms.moodBonus !== 0 && terms.moodLabel < tree.moodLabels
        ? tree.moodMax(node, terms.moodLabel)
        : 0;
    const bonuses =
      terms.genreBonus * genre +
      terms.moodBonus * mood +
      terms.popularityBonus * (popularity >= 0 ? popularity / 100 : 0);
    return bonuses + SLACK * (1 + Math.abs(bonuses));
  }
}
