#!/usr/bin/env bash
# DetectLabels benchmark on a 1920x1080 photo (sample5 of the fetched fixtures, cropped to 1080p) with the default
# detector and NanoDet: median ms of DetectLabels next to the detector's raw ONNX Runtime time on the same tensor.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="${SIGHTLINE_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/sightline/models}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
ffmpeg -loglevel error -y -i "$models/fixtures/sample5.jpg" -vf "crop=1920:1080:0:160" -q:v 2 "$out/sample5-1080p.jpg"
for detector in centernet-coco nanodet-coco; do
  "$here/sightline" bench labels "$out/sample5-1080p.jpg" --detector "$detector" "$@"
done
