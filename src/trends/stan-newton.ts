/**
 * Stan's Newton optimizer, ported to TypeScript for Prophet's linear-trend model.
 *
 * Reference Prophet (R and Python) fits histories of fewer than 100 points with Stan's `Newton`
 * algorithm and longer ones with L-BFGS, falling back to Newton when L-BFGS fails. The WebAssembly
 * build of Stan in `@bsull/augurs-prophet-wasmstan` crashes on `newton`, and its L-BFGS stops early
 * on these small, kinked (Laplace-prior) problems, landing far from the reference. This port follows
 * StanHeaders 2.21 line by line (`stan/services/optimize/newton.hpp`, `stan/optimization/newton.hpp`,
 * `stan/model/grad_hess_log_prob.hpp`), including its finite-difference Hessian and its step rule,
 * so it lands where reference Prophet does (see test/trends-fidelity.e2e-spec.ts).
 *
 * The model is prophet.stan with `trend_indicator == 0`:
 *   k ~ normal(0, 5); m ~ normal(0, 5); delta ~ double_exponential(0, tau); sigma_obs ~ normal(0, 0.5);
 *   beta ~ normal(0, sigmas); y ~ normal(trend .* (1 + X * (beta .* s_m)) + X * (beta .* s_a), sigma_obs)
 * evaluated as Stan's log_prob<propto=true, jacobian=false> on the unconstrained parameters
 * theta = [k, m, delta[1..S], log(sigma_obs), beta[1..K]].
 */

import { choleskyLower, choleskySolve, symmetricEigen } from './linear-algebra';

/** The data block Prophet hands to its optimizer (ProphetStanData). */
export interface ProphetStanData {
  T: number;
  S: number;
  K: number;
  y: number[];
  t: number[];
  t_change: number[];
  X: number[][];
  sigmas: number[];
  tau: number;
  trend_indicator: number;
  s_a: number[];
  s_m: number[];
}

export interface ProphetInitialParams {
  k: number;
  m: number;
  delta: ArrayLike<number>;
  beta: ArrayLike<number>;
  sigmaObs: number;
}

interface NewtonResult {
  k: number;
  m: number;
  delta: Float64Array;
  beta: Float64Array;
  sigmaObs: number;
  trend: Float64Array;
  iterations: number;
  logProb: number;
}

const FAILED = -1e100;
// grad_hess_log_prob: 4-point finite differences of the gradient, epsilon 1e-3. Stan scales the
// stencil by 0.5 * epsilon (not 1 / epsilon) and adds each term to both H[d][dd] and H[dd][d]; the
// Hessian is therefore epsilon^2 times the true one, and the step-halving below absorbs the scale.
// Kept as is: it is what reference Prophet runs.
const EPSILON = 1e-3;
const PERTURBATIONS = [-2 * EPSILON, -EPSILON, EPSILON, 2 * EPSILON];
const STENCIL = [1 / 12, -2 / 3, 2 / 3, -1 / 12].map((c) => 0.5 * EPSILON * c);
const MAX_ITERATIONS = 10_000; // prophet: iter = 1e4

interface LinearTrendModel {
  size: number;
  logProb(theta: Float64Array, gradient: Float64Array | null): number;
  trendAt(theta: Float64Array): Float64Array;
}

function linearTrendModel(data: ProphetStanData): LinearTrendModel {
  const { T, S, K, tau } = data;
  const t = Float64Array.from(data.t);
  const y = Float64Array.from(data.y);
  const tChange = Float64Array.from(data.t_change);
  const priorVariance = Float64Array.from(data.sigmas, (s) => s * s);
  const sA = Float64Array.from(data.s_a);
  const sM = Float64Array.from(data.s_m);
  const logSigma = 2 + S;
  const betaAt = 3 + S;
  // Changepoint matrix A as in get_changepoint_matrix: row i has the first activeCount[i] columns set.
  const activeCount = new Int32Array(T);
  for (let i = 0, c = 0; i < T; i++) {
    while (c < S && t[i] >= tChange[c]) c++;
    activeCount[i] = c;
  }
  // An all-zero regressor column (Prophet's placeholder when there is no seasonality) adds exactly 0.
  const columns: number[] = [];
  for (let l = 0; l < K; l++) if (data.X.some((row) => row[l] !== 0)) columns.push(l);
  const nColumns = columns.length;
  const X = new Float64Array(T * nColumns);
  for (let i = 0; i < T; i++) {
    for (let c = 0; c < nColumns; c++) X[i * nColumns + c] = data.X[i][columns[c]];
  }
  const trend = new Float64Array(T);
  const scale = new Float64Array(T);
  const residual = new Float64Array(T);
  // Prefix sums over changepoints (A * delta and A * (-t_change .* delta), summed in Stan's order)
  // and per-segment sums for the delta gradient: O(T + S) per evaluation instead of O(T * S).
  const cumDelta = new Float64Array(S + 1);
  const cumShift = new Float64Array(S + 1);
  const segmentW = new Float64Array(S + 1);
  const segmentWt = new Float64Array(S + 1);
  const invTau = 1 / tau;

  function logProb(theta: Float64Array, gradient: Float64Array | null): number {
    const k = theta[0];
    const m = theta[1];
    const u = theta[logSigma];
    const sigma = Math.exp(u);
    if (!(sigma > 0) || sigma === Infinity) return FAILED;
    let lp = -0.02 * (k * k + m * m) - 2 * sigma * sigma;
    for (let j = 0; j < S; j++) lp -= Math.abs(theta[2 + j]) * invTau;
    for (let l = 0; l < K; l++)
      lp -= (0.5 * theta[betaAt + l] * theta[betaAt + l]) / priorVariance[l];
    for (let j = 0; j < S; j++) {
      cumDelta[j + 1] = cumDelta[j] + theta[2 + j];
      cumShift[j + 1] = cumShift[j] + -tChange[j] * theta[2 + j];
    }
    let sumSquares = 0;
    for (let i = 0; i < T; i++) {
      const active = activeCount[i];
      const level = (k + cumDelta[active]) * t[i] + (m + cumShift[active]);
      let multiplier = 1;
      let additive = 0;
      for (let c = 0; c < nColumns; c++) {
        const l = columns[c];
        const xb = X[i * nColumns + c] * theta[betaAt + l];
        multiplier += xb * sM[l];
        additive += xb * sA[l];
      }
      trend[i] = level;
      scale[i] = multiplier;
      const r = y[i] - (level * multiplier + additive);
      residual[i] = r;
      sumSquares += r * r;
    }
    if (!Number.isFinite(sumSquares)) return FAILED;
    const invVariance = 1 / (sigma * sigma);
    lp += -T * u - 0.5 * sumSquares * invVariance;
    if (gradient) {
      let gk = -0.04 * k;
      let gm = -0.04 * m;
      for (let l = 0; l < K; l++) gradient[betaAt + l] = -theta[betaAt + l] / priorVariance[l];
      segmentW.fill(0);
      segmentWt.fill(0);
      for (let i = 0; i < T; i++) {
        const w = residual[i] * invVariance;
        const wScaled = w * scale[i];
        gk += wScaled * t[i];
        gm += wScaled;
        segmentW[activeCount[i]] += wScaled;
        segmentWt[activeCount[i]] += wScaled * t[i];
        for (let c = 0; c < nColumns; c++) {
          const l = columns[c];
          gradient[betaAt + l] += w * X[i * nColumns + c] * (trend[i] * sM[l] + sA[l]);
        }
      }
      // d/d delta_j: sum over points past changepoint j of wScaled * (t_i - t_change_j).
      let laterW = 0;
      let laterWt = 0;
      for (let j = S - 1; j >= 0; j--) {
        laterW += segmentW[j + 1];
        laterWt += segmentWt[j + 1];
        // Stan's double_exponential gradient uses sign(), which is 0 at 0.
        gradient[2 + j] = -Math.sign(theta[2 + j]) * invTau + (laterWt - tChange[j] * laterW);
      }
      gradient[0] = gk;
      gradient[1] = gm;
      gradient[logSigma] = -4 * sigma * sigma - T + sumSquares * invVariance;
    }
    return lp;
  }

  return {
    size: 3 + S + K,
    logProb,
    trendAt(theta) {
      logProb(theta, null);
      return Float64Array.from(trend);
    },
  };
}

/**
 * make_negative_definite_and_solve: V diag(-1 / |lambda|) V' g. Where H is negative definite this is
 * H^-1 g, solved by a Cholesky factorisation of -H (the common case, and far cheaper); otherwise
 * through the eigen-decomposition, as Stan does.
 */
function newtonDirection(H: Float64Array, gradient: Float64Array, n: number): Float64Array {
  const negated = H.map((value) => -value);
  const L = choleskyLower(negated, n);
  if (L) {
    const direction = choleskySolve(L, gradient, n);
    for (let i = 0; i < n; i++) direction[i] = -direction[i];
    return direction;
  }
  const { values, vectors } = symmetricEigen(H, n);
  const projection = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += vectors[r * n + c] * gradient[r];
    projection[c] = -s / Math.abs(values[c]);
  }
  const direction = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let c = 0; c < n; c++) s += vectors[r * n + c] * projection[c];
    direction[r] = s;
  }
  return direction;
}

/** Runs Stan's Newton iterations from `init` until the log density improves by at most 1e-8. */
export function newtonOptimize(data: ProphetStanData, init: ProphetInitialParams): NewtonResult {
  if (data.trend_indicator !== 0) {
    throw new Error('The Newton port supports the linear trend only');
  }
  const model = linearTrendModel(data);
  const n = model.size;
  let theta = Float64Array.from([
    init.k,
    init.m,
    ...Array.from(init.delta),
    Math.log(init.sigmaObs),
    ...Array.from(init.beta),
  ]);
  if (theta.length !== n) throw new Error('Initial parameters do not match the data');
  const gradient = new Float64Array(n);
  const perturbedGradient = new Float64Array(n);
  const hessian = new Float64Array(n * n);
  const perturbed = new Float64Array(n);
  const candidate = new Float64Array(n);
  let lp = model.logProb(theta, null);
  let iterations = 0;
  while (iterations < MAX_ITERATIONS) {
    iterations++;
    const lastLp = lp;
    const f0 = model.logProb(theta, gradient);
    hessian.fill(0);
    perturbed.set(theta);
    for (let d = 0; d < n; d++) {
      for (let i = 0; i < 4; i++) {
        perturbed[d] = theta[d] + PERTURBATIONS[i];
        model.logProb(perturbed, perturbedGradient);
        for (let dd = 0; dd < n; dd++) {
          const increment = STENCIL[i] * perturbedGradient[dd];
          hessian[d * n + dd] += increment;
          hessian[dd * n + d] += increment;
        }
      }
      perturbed[d] = theta[d];
    }
    const direction = newtonDirection(hessian, gradient, n);
    let step = 2;
    let f1 = FAILED;
    let improved = true;
    while (f1 < f0) {
      step *= 0.5;
      if (step < 1e-50) {
        improved = false;
        break;
      }
      for (let i = 0; i < n; i++) candidate[i] = theta[i] - step * direction[i];
      f1 = model.logProb(candidate, null);
      if (Number.isNaN(f1)) f1 = FAILED;
    }
    if (improved) {
      theta = Float64Array.from(candidate);
      lp = f1;
    } else {
      lp = f0;
    }
    if (Math.abs(lp - lastLp) <= 1e-8) break;
  }
  const S = data.S;
  return {
    k: theta[0],
    m: theta[1],
    delta: theta.slice(2, 2 + S),
    sigmaObs: Math.exp(theta[2 + S]),
    beta: theta.slice(3 + S),
    trend: model.trendAt(theta),
    iterations,
    logProb: lp,
  };
}
