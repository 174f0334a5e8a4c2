import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import KNN, { Distance } from 'ml-knn';
import { createHash } from 'node:crypto';
import { similarityConfig } from './similarity.config';
import { buildKdTree } from './kd-tree-build';

/** One stored point near a query: its position in the fitted matrix and its Euclidean distance. */
export interface Neighbour {
  index: number;
  distance: number;
}

/** A fitted nearest-neighbour index over the rows of one matrix. */
export interface NeighbourIndex {
  readonly size: number;
  readonly dimensions: number;
  /** The `k` stored rows nearest to `point`, nearest first; equal distances by row position. */
  nearest(point: readonly number[], k: number): Neighbour[];
}

/**
 * k-nearest neighbours with ml-knn's k-d tree (Euclidean). The engine fits a tree over a matrix whose
 * row i is labelled i, so every answer maps back to its row by the label the tree stores with it,
 * never by a position counted elsewhere.
 *
 * Fitted trees are kept (least recently used first out) for identical matrices, keyed by a SHA-256
 * of the values: a repeated request over the same candidate pool skips the tree build, still about
 * half the time of a request over similar songs (see the README's similarity section).
 */
@Injectable()
export class KnnEngine {
  private readonly cache = new Map<string, NeighbourIndex>();
  private readonly cacheSize: number;

  constructor(
    @Inject(similarityConfig.KEY)
    config: Pick<ConfigType<typeof similarityConfig>, 'indexCacheSize'>,
  ) {
    this.cacheSize = config.indexCacheSize;
  }

  /** Fits (or reuses) an index over `rows`, each of `dimensions` numbers. */
  fit(rows: readonly (readonly number[])[], dimensions: number): NeighbourIndex {
    if (rows.length === 0) throw new RangeError('cannot fit a nearest-neighbour index on no rows');
    if (this.cacheSize === 0) return fitKdTree(rows, dimensions);

    const key = matrixKey(rows, dimensions);
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key); // re-insert: most recently used last
      this.cache.set(key, cached);
      return cached;
    }
    const index = fitKdTree(rows, dimensions);
    this.cache.set(key, index);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return index;
  }
}

function fitKdTree(rows: readonly (readonly number[])[], dimensions: number): NeighbourIndex {
  for (const row of rows) {
    if (row.length !== dimensions) {
      throw new RangeError(`every row must have ${dimensions} values, got ${row.length}`);
    }
  }
  // ml-knn's default metric reads p.length, which is undefined for the plain object its search builds
  // to measure a point's distance to a splitting plane; that distance then comes out 0 and the tree
  // never prunes a branch (every query visits every node). This metric reads exactly the feature
  // columns, never the label stored after them, so the plane distance is right and the tree prunes.
  // The tree is built here (ml-knn's constructor sorts at every level: most of a request's time)
  // and handed to ml-knn through its model-loading path; ml-knn's own nearest() searches it.
  const tree = KNN.load(
    { name: 'KNN', kdTree: buildKdTree(rows, dimensions), k: 1, classes: [], isEuclidean: false },
    featureDistance(dimensions),
  ).kdTree;

  return {
    size: rows.length,
    dimensions,
    nearest(point, k) {
      if (point.length !== dimensions) {
        throw new RangeError(`the query must have ${dimensions} values, got ${point.length}`);
      }
      const wanted = Math.min(k, rows.length);
      // The tree keeps an arbitrary one of several rows tied at the k-th distance. Ask for one more
      // than needed, and widen while the extra one ties, so every tied row is seen; then ties are
      // broken by row position and the answer does not depend on the tree's shape.
      let asked = wanted;
      let found: Neighbour[];
      do {
        asked = Math.min(asked === wanted ? wanted + 1 : asked * 2, rows.length);
        found = tree
          .nearest(point, asked)
          .map(([stored, distance]) => ({ index: stored[dimensions], distance }))
          .sort((a, b) => a.distance - b.distance || a.index - b.index);
      } while (
        asked < rows.length &&
        found.length > wanted &&
        found[found.length - 1].distance === found[wanted - 1].distance
      );
      return found.slice(0, wanted);
    },
  };
}

/** Euclidean distance over the first `dimensions` values (the features), never the appended label. */
export function featureDistance(dimensions: number): Distance {
  return (a, b) => {
    let sum = 0;
    for (let i = 0; i < dimensions; i++) {
      const difference = a[i] - b[i];
      sum += difference * difference;
    }
    return Math.sqrt(sum);
  };
}

function matrixKey(rows: readonly (readonly number[])[], dimensions: number): string {
  const values = new Float64Array(rows.length * dimensions);
  rows.forEach((row, r) => values.set(row, r * dimensions));
  const digest = createHash('sha256').update(new Uint8Array(values.buffer)).digest('hex');
  return `${rows.length}x${dimensions}:${digest}`;
}
