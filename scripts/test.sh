#!/usr/bin/env bash
# Runs the whole test suite against the real models (fetched by setup if missing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
cd "$here"
dotnet test Sightline.slnx -c Release --nologo "$@"
# The official AWS SDK for JavaScript against a server on loopback (tests/compat).
npm test --prefix tests/compat --silent
