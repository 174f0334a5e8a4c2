/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
 * squares): a few dozen features and tens of thousands of rows solve in well under a second, with
 * no learning rate to tune. Columns are standardised for the fit and the weights folded back, so
 * the model applies to raw features: score = Σ weight · feature (+ intercept, which no ranking
 * needs).
 */

export interface LogisticFit {
  weights: Float64Array;
  intercept: number;
  iterations: number;
}

/**
 * Queries' pools stacked into one training set: each part's `features` (its rows × d, row-major)
 * and `labels`, one after the other.
 */
export function stackRows(
  parts: readonly { features: Float64Array; labels: Uint8Array }[],
  d: number,
): { rows: Float64Array; labels: Uint8Array } {
  const total = parts.reduce((sum, part) => sum + part.labels.length, 0);
  const rows = new Float64Array(total * d);
  const labels = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    rows.set(part.features, offset * d);
    labels.set(part.labels, offset);
    offset += part.labels.length;
  }
  return { rows, labels };
}

const MAX_ITERATIONS = 50;
const TOLERANCE = 1e-8;

/**
 * `rows`: n × d raw features (row-major); `labels`: 0/1. `penalty` is the L2 weight on the
 * standardised coefficients, in units of rows (so it means the same for any n). `active` masks the
 * columns that may carry weight (the rest get 0).
 */
export function fitLogistic(
  rows: Float64Array,
  labels: Uint8Array,
  d: number,
  penalty: number,
  active: readonly boolean[] = new Array<boolean>(d).fill(true),
): LogisticFit {
  const n = labels.length;
  const columns = [...Array(d).keys()].filter((j) => active[j]);
  const k = columns.length;
  const mean = new Float64Array(k);
  const scale = new Float64Array(k);
  columns.forEach((j, a) => {
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const v = rows[i * d + j];
      sum += v;
      squares += v * v;
    }
    mean[a] = sum / n;
    const variance = squares / n - mean[a] ** 2;
    scale[a] = variance > 1e-12 ? Math.sqrt(variance) : 0;
  });
  const p = k + 1; // standardised coefficients, then the intercept
  const beta = new Float64Array(p);
  const z = new Float64Array(p);
  const gradient = new Float64Array(p);
  const hessian = new Float64Array(p * p);
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    gradient.fill(0);
    hessian.fill(0);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < k; a++)
        z[a] = scale[a] > 0 ? (rows[i * d + columns[a]] - mean[a]) / scale[a] : 0;
      z[k] = 1;
      let eta = 0;
      for (let a = 0; a < p; a++) eta += beta[a] * z[a];
      const prob = 1 / (1 + Math.exp(-eta));
      const residual = labels[i] - prob;
      const w = prob * (1 - prob);
      for (let a = 0; a < p; a++) {
        gradient[a] += residual * z[a];
        const wa = w * z[a];
        for (let b = 0; b <= a; b++) hessian[a * p + b] += wa * z[b];
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) hessian[b * p + a] = hessian[a * p + b];
    for (let a = 0; a < k; a++) {
      gradient[a] -= penalty * beta[a];
      hessian[a * p + a] += penalty;
    }
    const step = solve(hessian, gradient, p);
    let largest = 0;
    for (let a = 0; a < p; a++) {
      beta[a] += step[a];
      largest = Math.max(largest, Math.abs(step[a]));
    }
    if (largest < TOLERANCE) break;
  }
  const weights = new Float64Array(d);
  let intercept = beta[k];
  columns.forEach((j, a) => {
    if (scale[a] === 0) return;
    weights[j] = beta[a] / scale[a];
    intercept -= (beta[a] * mean[a]) / scale[a];
  });
  return { weights, intercept, iterations: iterations + 1 };
}

/** Solves A x = b for a symmetric positive definite A (Cholesky). */
function solve(matrix: Float64Array, rhs: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * p + j];
      for (let m = 0; m < j; m++) sum -= l[i * p + m] * l[j * p + m];
      l[i * p + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j * p + j];
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let sum = rhs[i];
    for (let m = 0; m < i; m++) sum -= l[i * p + m] * y[m];
    y[i] = sum / l[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let sum = y[i];
    for (let m = i + 1; m < p; m++) sum -= l[m * p + i] * x[m];
    x[i] = sum / l[i * p + i];
  }
  return x;
}
