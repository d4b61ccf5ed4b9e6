#!/usr/bin/env bash
# Renders an HTML report (clusterplan report ... -o FILE.html) to a PNG with
# Debian's headless Chromium, offline: no network is touched.
# Usage: scripts/render_report.sh REPORT.html OUT.png [WIDTHxHEIGHT]
# Exits 0 on success, 77 when no chromium is installed (the test then skips),
# 1 when chromium fails.
set -euo pipefail
html=$1
png=$2
size=${3:-1200x2400}
browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [[ -z $browser ]]; then
  echo "render_report: no chromium installed (Debian: apt-get install chromium)" >&2
  exit 77
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
"$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
  --user-data-dir="$profile" --no-first-run --disable-extensions --disable-background-networking \
  --window-size="${size/x/,}" --screenshot="$png" "file://$(realpath "$html")" >/dev/null 2>&1 || {
  echo "render_report: $browser failed to render $html" >&2; exit 1; }
[[ -s $png ]] || { echo "render_report: $browser wrote no $png" >&2; exit 1; }
echo "render_report: wrote $png"
