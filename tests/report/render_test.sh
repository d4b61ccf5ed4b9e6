#!/usr/bin/env bash
# The HTML report renders: clusterplan report writes a page, headless
# Chromium turns it into a PNG (scripts/render_report.sh), and png_check
# finds it is not blank. Skipped (exit 77) where chromium is not installed,
# except under CI (CI set), where a skip is a failure.
# Usage: render_test.sh CLUSTERPLAN PNG_CHECK   (run from the repo root)
set -uo pipefail
clusterplan=$1
png_check=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$clusterplan" report examples/llama3-405b-pretrain.json --sites us-tx,us-va,cn-gansu -o "$dir/plan.html" || {
  echo "render_test: clusterplan report failed"; exit 1; }
bash scripts/render_report.sh "$dir/plan.html" "$dir/plan.png" 1200x2000
status=$?
if ((status == 77)); then
  if [[ -n ${CI:-} ]]; then echo "render_test: chromium missing under CI: install it with scripts/install-deps.sh"; exit 1; fi
  echo "render_test: SKIPPED: no chromium installed (apt-get install chromium)"
  exit 77
fi
((status == 0)) || exit 1
"$png_check" "$dir/plan.png" 2
