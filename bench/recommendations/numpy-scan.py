"""
The exhaustive reference of the recommendation benchmarks: each query's cost scored for every track
of the catalog with numpy, the way a data scientist would write it, and the best pool kept.

  python3 numpy-scan.py <values.f32> <queries.json>   (prints a JSON line: per-query ms)

values.f32: the catalog's columns as the index holds them (float32, N x 14, NaN where unknown).
queries.json: {"columns": 14, "mean": [...], "sd": [...] (both optional: then the catalog's, as the
index computes them), "weights": {"features": [14], "nearest",
"targets"}, "pool": 80, "queries": [{"seeds": [row, ...], "targets": {col: value}, "min": {col: value},
"max": {col: value}}]}

Per track, as the engine scores it: a filter needs a known value inside [min, max]; the targets'
mean squared standardised difference; the closeness to the nearest seed (weighted squared
standardised differences, weights adding up to 1); an unknown value costs 1 + z^2 of the other side
(2 when both are unknown). The artist, album, genre and mood bonuses are left out: they touch few
tracks and would only add work here.
"""
import json
import sys
import time

import numpy as np


def main() -> None:
    values_path, queries_path = sys.argv[1], sys.argv[2]
    spec = json.load(open(queries_path))
    columns = spec["columns"]
    values = np.fromfile(values_path, dtype=np.float32).reshape(-1, columns)
    if "mean" in spec:
        mean, sd = np.array(spec["mean"]), np.array(spec["sd"])
    else:
        with np.errstate(all="ignore"):
            mean = np.nan_to_num(np.nanmean(values, axis=0, dtype=np.float64))
            sd = np.nan_to_num(np.nanstd(values, axis=0, dtype=np.float64))
        sd[sd <= 1e-12] = 1
    inverse_variance = 1 / sd**2
    features = np.array(spec["weights"]["features"], dtype=float)
    weighted = np.flatnonzero(features > 0)
    weight = features[weighted] / features[weighted].sum()
    nearest_weight = spec["weights"]["nearest"]
    pool = spec["pool"]
    # Per column, the column itself as float64 and where it is unknown, read once.
    data = {c: values[:, c].astype(np.float64) for c in range(columns)}
    unknown = {c: np.isnan(data[c]) for c in range(columns)}

    def term(c: int, reference: float, w: float) -> np.ndarray:
        x = data[c]
        if np.isnan(reference):
            known = w + w * (x - mean[c]) ** 2 * inverse_variance[c]
            return np.where(unknown[c], 2 * w, known)
        z = reference - mean[c]
        known = w * (x - reference) ** 2 * inverse_variance[c]
        return np.where(unknown[c], w * (1 + z * z * inverse_variance[c]), known)

    times = []
    for query in spec["queries"]:
        start = time.perf_counter()
        n = values.shape[0]
        passing = np.ones(n, dtype=bool)
        for c, low in query["min"].items():
            passing &= data[int(c)] >= low
        for c, high in query["max"].items():
            passing &= data[int(c)] <= high
        targets = np.zeros(n)
        for c, v in query["targets"].items():
            targets += term(int(c), v, 1.0)
        target_scale = spec["weights"]["targets"] / max(1, len(query["targets"]))
        closeness = np.full(n, np.inf)
        for seed in query["seeds"]:
            cost = np.zeros(n)
            for c, w in zip(weighted, weight):
                cost += term(c, float(values[seed, c]), w)
            np.minimum(closeness, cost, out=closeness)
        score = -target_scale * targets - nearest_weight * closeness
        score[~passing] = -np.inf
        score[query["seeds"]] = -np.inf
        best = np.argpartition(-score, pool)[:pool]
        best = best[np.argsort(-score[best], kind="stable")]
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        json.dumps(
            {
                "queries": len(times),
                "p50_ms": times[len(times) // 2],
                "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
                "numpy": np.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
