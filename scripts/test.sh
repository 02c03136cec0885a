#!/usr/bin/env bash
# Runs the whole test suite against the real models (fetched by setup if missing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
cd "$here"
dotnet test Sightline.slnx -c Release --nologo "$@"
# Every suite that touches storage again on PostgreSQL: each test's data directory gets its own database on a
# throw-away server (tests/Shared/TestDatabase.cs); the store contract suite above already ran on both.
# Tests marked Store=Agnostic touch no store code beyond what the others cover on both; they run once.
agnostic=()
(($#)) || agnostic=(--filter "Store!=Agnostic")
for suite in Access Faces Detectors Cli; do
  SIGHTLINE_TEST_DATABASE=postgresql dotnet test "tests/Sightline.$suite.Tests" -c Release --no-build --nologo "${agnostic[@]}" "$@"
done
# The official AWS SDK for JavaScript against a server on loopback (tests/compat).
npm test --prefix tests/compat --silent
