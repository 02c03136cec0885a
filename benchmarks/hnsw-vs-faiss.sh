#!/usr/bin/env bash
# Side by side on the same synthetic vectors: Sightline's HNSW (int8 graph + fp32 re-rank) vs FAISS IndexHNSWFlat.
# Usage: benchmarks/hnsw-vs-faiss.sh [FACES] [QUERIES]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-200000}"; q="${2:-500}"
source "$here/benchmarks/require-faiss.sh"
dir="$(mktemp -d)"; trap 'rm -rf "$dir"' EXIT
for ef in 16 32 64 128; do
  "$here/sightline" bench search --faces "$n" --queries "$q" --index hnsw --ef "$ef" --json $([[ $ef == 16 ]] && echo --export "$dir") \
    | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps({k: d[k] for k in ('index','faces','buildSeconds','p50Ms','qps','recallAt1','recallAt10')}))"
done
/usr/bin/python3 "$here/benchmarks/faiss_hnsw.py" "$dir" 512
