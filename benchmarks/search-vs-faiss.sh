#!/usr/bin/env bash
# Side by side: Sightline's exact int8 index vs Debian's FAISS IndexFlatIP (fp32), single-query latency.
# Usage: benchmarks/search-vs-faiss.sh [FACES] [QUERIES]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-1000000}"; q="${2:-200}"
source "$here/benchmarks/require-faiss.sh"
faiss=$(/usr/bin/python3 "$here/benchmarks/faiss_flat.py" "$n" 512 "$q")
ours=$("$here/sightline" bench search --faces "$n" --queries "$q" --json)
echo "faiss:     $faiss"
echo "sightline: $(echo "$ours" | tr -d '\n ')"
/usr/bin/python3 - "$faiss" "$ours" <<'PY'
import json, sys
f, s = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"p50: sightline {s['p50Ms']:.1f} ms vs faiss {f['p50Ms']:.1f} ms -> {f['p50Ms'] / s['p50Ms']:.1f}x faster; "
      f"p99: {s['p99Ms']:.1f} vs {f['p99Ms']:.1f} ms; recall@1 {s['recallAt1']:.3f}")
PY
