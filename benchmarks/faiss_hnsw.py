#!/usr/bin/python3
"""FAISS IndexHNSWFlat (M 16, efConstruction 100, inner product) on vectors exported by
`sightline bench search --export DIR`: recall@1 against exact search and single-query latency for a sweep of
efSearch. Usage: faiss_hnsw.py DIR DIM  — prints one JSON line per efSearch."""
import json, sys, time
import numpy as np
import faiss

folder, dim = sys.argv[1], int(sys.argv[2])
xb = np.fromfile(f"{folder}/base.f32", dtype=np.float32).reshape(-1, dim)
xq = np.fromfile(f"{folder}/queries.f32", dtype=np.float32).reshape(-1, dim)
flat = faiss.IndexFlatIP(dim); flat.add(xb)
_, truth = flat.search(xq, 10)
index = faiss.IndexHNSWFlat(dim, 16, faiss.METRIC_INNER_PRODUCT)
index.hnsw.efConstruction = 100
t = time.perf_counter(); index.add(xb); build = time.perf_counter() - t
for ef in (16, 32, 64, 128, 256):
    index.hnsw.efSearch = ef
    times, r1, r10 = [], 0, 0.0
    for i, q in enumerate(xq):
        t = time.perf_counter(); _, ids = index.search(q.reshape(1, -1), 10); times.append((time.perf_counter() - t) * 1000)
        r1 += ids[0][0] == truth[i][0]; r10 += len(set(ids[0]) & set(truth[i])) / 10
    times.sort()
    print(json.dumps({"engine": f"faiss {faiss.__version__} IndexHNSWFlat M16", "faces": len(xb), "efSearch": ef, "buildSeconds": build,
                      "p50Ms": times[len(times) // 2], "qps": len(xq) / (sum(times) / 1000), "recallAt1": r1 / len(xq), "recallAt10": r10 / len(xq)}))
