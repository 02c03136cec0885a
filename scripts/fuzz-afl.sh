#!/usr/bin/env bash
# Coverage-guided fuzzing of one target (fuzz/Sightline.Fuzz) with AFL++ and SharpFuzz.
#
#   scripts/fuzz-afl.sh TARGET [SECONDS]      TARGET: image, sigv4 or requests; SECONDS defaults to 600
#
# Builds the fuzz project, instruments the Sightline assemblies the target runs (not the .NET libraries), runs
# afl-fuzz (niced) from fuzz/corpus/TARGET plus fuzz/regressions/TARGET into a temporary directory, prints one
# summary line, replays every crashing input in-process to show its exception, and copies the crashing inputs
# to artifacts/fuzz/TARGET/. Exits 1 when afl-fuzz saved a crash. Set SIGHTLINE_FUZZ_KEEP=1 to keep the AFL output.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-}"
seconds="${2:-600}"

# The image target decodes with native code, so it runs out of process: a native crash or a hang restarts the
# child instead of ending the run (slower, as each restart starts a new runtime).
mode=()
case "$target" in
  image) assemblies=(Sightline.Domain Sightline.Imaging); mode=(--out-of-process) ;;
  sigv4) assemblies=(Sightline.Domain Sightline.Access Sightline.Storage Sightline.Storage.Sqlite) ;;
  requests) assemblies=(Sightline.Domain Sightline.Server) ;;
  *) echo "usage: $0 image|sigv4|requests [SECONDS]" >&2; exit 2 ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "SECONDS must be a whole number" >&2; exit 2; }

if ! command -v afl-fuzz >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && apt-get install -y -qq afl++ >/dev/null
  else
    echo "afl-fuzz is missing: install AFL++ (apt-get install afl++)" >&2; exit 2
  fi
fi
cd "$here"
dotnet tool restore >/dev/null

work="$(mktemp -d "${TMPDIR:-/tmp}/sightline-afl-$target.XXXXXX")"
[[ "${SIGHTLINE_FUZZ_KEEP:-0}" == 1 ]] || trap 'rm -rf "$work"' EXIT
echo "== building into $work"
dotnet publish fuzz/Sightline.Fuzz/Sightline.Fuzz.csproj -c Release -o "$work/plain" --nologo -v quiet >/dev/null
cp -r "$work/plain" "$work/instrumented"
for name in "${assemblies[@]}"; do
  dotnet tool run sharpfuzz "$work/instrumented/$name.dll" >/dev/null
done
echo "== instrumented: ${assemblies[*]}"

# Seeds: the corpus and every regression input (afl-fuzz wants one flat directory).
mkdir -p "$work/in"
for dir in "fuzz/corpus/$target" "fuzz/regressions/$target"; do
  [[ -d "$dir" ]] || continue
  find "$dir" -type f | while read -r f; do cp "$f" "$work/in/$(basename "$(dirname "$f")")-$(basename "$f")"; done
done

echo "== afl-fuzz $target for ${seconds}s"
# SharpFuzz's fork server runs inside the dotnet host, which carries no AFL instrumentation of its own.
export SIGHTLINE_FUZZ_WARMUP="$work/in"
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
  AFL_FORKSRV_INIT_TMOUT=60000 AFL_SKIP_CRASHES=1 AFL_IGNORE_SEED_PROBLEMS=1
status=0
nice -n 10 afl-fuzz -i "$work/in" -o "$work/out" -x "fuzz/dict/$target.dict" -t 5000 -m none -V "$seconds" \
  -- dotnet "$work/instrumented/Sightline.Fuzz.dll" "$target" "${mode[@]}" >"$work/afl.log" 2>&1 || status=$?
stats="$work/out/default/fuzzer_stats"
if [[ ! -f "$stats" ]]; then
  tail -40 "$work/afl.log" >&2
  echo "afl-fuzz did not start (exit $status)" >&2
  exit 2
fi
stat() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$stats"; }
execs=$(stat execs_done)
run_time=$(( $(stat last_update) - $(stat start_time) ))
(( run_time > 0 )) || run_time=1
crashes=$(stat saved_crashes)
hangs=$(stat saved_hangs)
rate=$(awk -v e="$execs" -v t="$run_time" 'BEGIN {printf "%.0f", e / t}')

found="$here/artifacts/fuzz/$target"
rm -rf "$found"
# In process, an input that kills the runtime or runs past the timeout ends the run: keep the input it was on.
if grep -q 'PROGRAM ABORT' "$work/afl.log"; then
  grep -A1 'PROGRAM ABORT' "$work/afl.log" >&2
  mkdir -p "$found"; cp "$work/out/default/.cur_input" "$found/crashes-abort"
  crashes=$((crashes + 1))
fi
if (( crashes > 0 || hangs > 0 )); then
  mkdir -p "$found"
  find "$work/out/default/crashes" "$work/out/default/hangs" -type f -name 'id:*' 2>/dev/null | while read -r f; do
    kind=$(basename "$(dirname "$f")")
    cp "$f" "$found/$kind-$(basename "$f" | cut -d, -f1 | tr -d :)"
  done
  # Minimise (the first ten) with afl-tmin: the smallest input that still takes the same path and crashes.
  for f in $(find "$found" -name 'crashes-*' | sort | head -10); do
    timeout 300 nice -n 10 afl-tmin -i "$f" -o "${f/crashes-/min-}" -t 5000 -m none \
      -- dotnet "$work/instrumented/Sightline.Fuzz.dll" "$target" "${mode[@]}" >/dev/null 2>&1 || true
  done
  echo "== replaying the crashing inputs (uninstrumented build, one process each: a native crash ends only its own)"
  for f in $(find "$found" -type f | sort | head -40); do
    rc=0
    out=$(dotnet "$work/plain/Sightline.Fuzz.dll" replay "$target" "$f" 2>&1) || rc=$?
    if (( rc >= 128 )); then
      echo "FINDING ($(basename "$f")): the process died with signal $((rc - 128))"
    else
      echo "$out" | grep -E '^(FINDING|[A-Za-z.]+(Exception|Violation)|   at Sightline)' | grep -v '   at Sightline.Fuzz' | head -8 || true
    fi
  done
fi
echo "fuzz: target=$target seconds=$run_time execs=$execs execs/s=$rate paths=$(stat corpus_count) crashes=$crashes hangs=$hangs${found:+ findings=$( (( crashes + hangs > 0 )) && echo "$found" || echo none)}"
(( crashes == 0 ))
