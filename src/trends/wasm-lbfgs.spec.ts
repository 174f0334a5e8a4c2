import { WasmLbfgs } from './wasm-lbfgs';

/** Prophet's Stan data for a 100-point linear series with a kink, as augurs hands it over. */
function stanData(y: number[]): string {
  const T = y.length;
  const t = y.map((_, i) => i / (T - 1));
  const tChange = Array.from({ length: 25 }, (_, j) => t[Math.round(((j + 1) * 79) / 25)]);
  return JSON.stringify({
    T,
    S: 25,
    K: 1,
    t,
    y,
    cap: y.map(() => 0),
    t_change: tChange,
    X: y.map(() => [0]),
    sigmas: [1],
    tau: 0.05,
    trend_indicator: 0,
    s_a: [0],
    s_m: [0],
  });
}

const series = Array.from(
  { length: 100 },
  (_, i) => 0.3 + 0.004 * Math.min(i, 60) + 0.05 * Math.sin(i),
);
const init = {
  k: series[99] - series[0],
  m: series[0],
  delta: new Float64Array(25),
  beta: new Float64Array(1),
  sigmaObs: 1,
};

describe('WasmLbfgs (Stan L-BFGS in a worker thread)', () => {
  const lbfgs = new WasmLbfgs();
  afterAll(() => lbfgs.stop());

  it('fits synchronously and gives the same answer from a fresh worker', () => {
    const first = lbfgs.optimize(init, stanData(series), { iter: 10_000 });
    expect(first.params.sigmaObs).toBeGreaterThan(0);
    expect(first.params.sigmaObs).toBeLessThan(0.2);
    expect(first.params.delta).toHaveLength(25);

    lbfgs.stop();
    const again = lbfgs.optimize(init, stanData(series), { iter: 10_000 });
    expect(again.params.k).toBe(first.params.k);
    expect(Array.from(again.params.delta)).toEqual(Array.from(first.params.delta));
  });

  it('survives a crash of the WebAssembly optimizer: it throws, and the next fit works', () => {
    // y shorter than T: Stan's WebAssembly build aborts ("unreachable"), which leaves its instance
    // unusable; the worker is replaced.
    const broken = JSON.stringify({ ...JSON.parse(stanData(series)), y: series.slice(0, 50) });
    expect(() => lbfgs.optimize(init, broken, { iter: 10_000 })).toThrow(/unreachable/);
    const after = lbfgs.optimize(init, stanData(series), { iter: 10_000 });
    expect(after.params.sigmaObs).toBeGreaterThan(0);
  });
});
