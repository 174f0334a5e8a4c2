import { newtonOptimize, ProphetStanData } from './stan-newton';

/**
 * The data Prophet hands its optimizer for the danceability of ../shared/data/trendy_metrics.json
 * (five plays a minute apart: t in [0, 1], y / max|y|, three changepoints, the zero placeholder
 * regressor), and where reference Prophet (R prophet 1.0, rstan 2.21, Newton) ends:
 * k = -0.3225832604448, m = 0.944240917227512, sigma_obs = 0.217579950461296, delta ≈ 0.
 */
const SAMPLE_DANCEABILITY: ProphetStanData = {
  T: 5,
  y: [1.0, 0.8519269776876267, 0.8985801217038539, 0.29411764705882354, 0.8722109533468559],
  t: [0.0, 0.25, 0.5, 0.75, 1.0],
  S: 3,
  t_change: [0.25, 0.5, 0.75],
  trend_indicator: 0,
  K: 1,
  s_a: [0],
  s_m: [0],
  X: [[0], [0], [0], [0], [0]],
  sigmas: [1.0],
  tau: 0.05,
};
const REFERENCE_START = {
  k: -0.12778904665314406,
  m: 1,
  delta: [0, 0, 0],
  beta: [0],
  sigmaObs: 1,
};

describe('newtonOptimize (Stan Newton port)', () => {
  it('lands where reference Prophet lands on the sample request', () => {
    const fit = newtonOptimize(SAMPLE_DANCEABILITY, REFERENCE_START);
    expect(fit.k).toBeCloseTo(-0.3225832604448, 6);
    expect(fit.m).toBeCloseTo(0.944240917227512, 6);
    expect(fit.sigmaObs).toBeCloseTo(0.217579950461296, 6);
    for (const delta of fit.delta) expect(Math.abs(delta)).toBeLessThan(1e-6);
    expect(fit.trend[4]).toBeCloseTo(fit.k + fit.m, 6);
  });

  it('fits seasonal (additive) regressors too', () => {
    // y = 0.5 + 0.3 * x exactly: beta absorbs the regressor, k stays near 0.
    const t = Array.from({ length: 20 }, (_, i) => i / 19);
    const x = t.map((_, i) => Math.sin(i));
    const data: ProphetStanData = {
      ...SAMPLE_DANCEABILITY,
      T: 20,
      t,
      y: x.map((v) => 0.5 + 0.3 * v),
      S: 1,
      t_change: [0.5],
      X: x.map((v) => [v]),
      s_a: [1],
    };
    const fit = newtonOptimize(data, { k: 0, m: 0.5, delta: [0], beta: [0], sigmaObs: 1 });
    expect(fit.beta[0]).toBeCloseTo(0.3, 2);
    expect(fit.m).toBeCloseTo(0.5, 2);
  });

  it('refuses a trend it does not implement', () => {
    expect(() =>
      newtonOptimize({ ...SAMPLE_DANCEABILITY, trend_indicator: 1 }, REFERENCE_START),
    ).toThrow(/linear trend only/);
  });
});
