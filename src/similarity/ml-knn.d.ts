/** ml-knn 3 ships no types; this declares the parts the k-NN engine uses. */
declare module 'ml-knn' {
  export type Distance = (a: ArrayLike<number>, b: ArrayLike<number>) => number;

  /** One node of ml-knn's k-d tree: a stored point (the row's features, then its label). */
  export interface KnnKdTreeNode {
    obj: ArrayLike<number>;
    left: KnnKdTreeNode | null;
    right: KnnKdTreeNode | null;
    /** Set by ml-knn when it loads a tree. */
    parent: KnnKdTreeNode | null;
    /** Index into the tree's `dimensions`: the coordinate this node splits on. */
    dimension: number;
  }

  /** ml-knn's k-d tree: each stored point is the row's features followed by its label. */
  export interface KnnKdTree {
    /** Up to `maxNodes` nearest stored points with their distances, in heap (not distance) order. */
    nearest(
      point: ArrayLike<number>,
      maxNodes: number,
      maxDistance?: number,
    ): [ArrayLike<number>, number][];
  }

  export interface KnnOptions {
    k?: number;
    distance?: Distance;
  }

  /** What `toJSON()` returns and `KNN.load` takes. */
  export interface KnnModel {
    name: 'KNN';
    /** The root node, carrying the coordinates its nodes may split on. */
    kdTree: KnnKdTreeNode & { dimensions: number[] };
    k: number;
    classes: number[];
    isEuclidean: boolean;
  }

  export default class KNN {
    constructor(dataset: number[][], labels: number[], options?: KnnOptions);
    /** A classifier over a saved (or prebuilt) tree; `distance` must be the one it is meant for. */
    static load(model: KnnModel, distance?: Distance): KNN;
    readonly kdTree: KnnKdTree;
    predict(dataset: number[][]): number[];
  }
}
