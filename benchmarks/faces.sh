#!/usr/bin/env bash
# Face pipeline benchmark on a 1920x1080 photo with five faces (sample5 of the fetched fixtures, cropped to 1080p),
# plus any images given. Prints median ms per stage next to raw ONNX Runtime time of the same models.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="${SIGHTLINE_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/sightline/models}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
ffmpeg -loglevel error -y -i "$models/fixtures/sample5.jpg" -vf "crop=1920:1080:0:160" -q:v 2 "$out/sample5-1080p.jpg"
"$here/sightline" bench faces "$out/sample5-1080p.jpg" "$@"
