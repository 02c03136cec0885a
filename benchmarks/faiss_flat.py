#!/usr/bin/python3
"""FAISS IndexFlatIP (fp32, exact) single-query latency on random unit vectors, for comparison with
`sightline bench search`. Flat search time does not depend on how the vectors are distributed.
Usage: faiss_flat.py N [DIM] [QUERIES]  — prints one JSON line."""
import json, sys, time
import numpy as np
import faiss

n = int(sys.argv[1]); dim = int(sys.argv[2]) if len(sys.argv) > 2 else 512
queries = int(sys.argv[3]) if len(sys.argv) > 3 else 200
rng = np.random.default_rng(1)
xb = rng.standard_normal((n, dim), dtype=np.float32)
xb /= np.linalg.norm(xb, axis=1, keepdims=True)
xq = xb[rng.integers(0, n, queries)] + 0.05 * rng.standard_normal((queries, dim), dtype=np.float32)
xq /= np.linalg.norm(xq, axis=1, keepdims=True)
t = time.perf_counter(); index = faiss.IndexFlatIP(dim); index.add(xb); build = time.perf_counter() - t
index.search(xq[:1], 10)
times = []
for q in xq:
    t = time.perf_counter(); index.search(q.reshape(1, -1), 10); times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps({"engine": f"faiss {faiss.__version__} IndexFlatIP", "threads": faiss.omp_get_max_threads(), "faces": n,
                  "dimension": dim, "queries": queries, "buildSeconds": build,
                  "p50Ms": times[len(times) // 2], "p99Ms": times[min(len(times) - 1, int(len(times) * 0.99))]}))
