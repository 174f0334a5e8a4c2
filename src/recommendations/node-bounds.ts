import { type CatalogIndex, COLUMN_COUNT, POPULARITY_COLUMN } from '../catalog-index/catalog-index';
import type { FeatureTree } from '../catalog-index/structures/feature-tree';
import { CostBounds } from './cost-bounds';
import { type ScoringSpec, type ScoringTerms, SLACK } from './scoring-terms';

/**
 * Upper bounds of a request's scores over the tracks under a node of the index's tree: what lets
 * the tree search skip most of the catalog and stay exact. The bonuses are bounded from the node's
 * own bounds (its genres, its highest mood probabilities, its highest popularity) and, for the
 * artist and album bonuses, from whether the node holds a track of a seed's artist or album; the
 * cost (closeness and targets) from its value range per column and whether a value is missing
 * (CostBounds).
 */
export class NodeBounds {
  private readonly tree: FeatureTree | undefined;
  /**
   * Tree nodes holding a track of an affinity artist / album. Sets of the few marked nodes rather
   * than an array over all nodes: a request allocates little, so it adds little work for the
   * garbage collector.
   */
  private readonly artistMarks = new Set<number>();
  private readonly albumMarks = new Set<number>();
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
    if (!tree) return;
    const mark = (marks: Set<number>, slot: number) => {
      if (slot < treeSize) for (const node of tree.pathTo(slot)) marks.add(node);
    };
    if (terms.artistBonus !== 0) {
      for (const artist of spec.affinityArtists)
        for (const slot of index.tracksOfArtist(artist)) mark(this.artistMarks, slot);
    }
    if (terms.albumBonus !== 0) {
      for (const album of spec.affinityAlbums)
        for (const slot of index.tracksOfAlbum(album)) mark(this.albumMarks, slot);
    }
  }

  /**
   * An upper bound of score() over the node's live tracks; -Infinity when none can pass or reach
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

  /** An upper bound of the bonuses of the node's tracks (as ScoringTerms adds them up). */
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
      (this.artistMarks.size > 0 && this.artistMarks.has(node) ? terms.artistBonus : 0) +
      (this.albumMarks.size > 0 && this.albumMarks.has(node) ? terms.albumBonus : 0) +
      terms.genreBonus * genre +
      terms.moodBonus * mood +
      terms.popularityBonus * (popularity >= 0 ? popularity / 100 : 0);
    return bonuses + SLACK * (1 + Math.abs(bonuses));
  }
}
