/** ml-knn 3 ships no types; this declares the parts the k-NN engine uses. */
declare module 'ml-knn' {
  export type Distance = (a: ArrayLike<number>, b: ArrayLike<number>) => number;

  /** ml-knn's k-d tree: each stored point is the row's features followed by its label. */
  export interface KnnKdTree {
    /** Up to `maxNodes` nearest stored points with their distances, in heap (not distance) order. */
    nearest(point: ArrayLike<number>, maxNodes: number, maxDistance?: number): [number[], number][];
  }

  export interface KnnOptions {
    k?: number;
    distance?: Distance;
  }

  export default class KNN {
    constructor(dataset: number[][], labels: number[], options?: KnnOptions);
    readonly kdTree: KnnKdTree;
    predict(dataset: number[][]): number[];
  }
}
