#!/usr/bin/env bash
# Builds and runs every test twice: under ASan+UBSan (the dev preset) and as
# the optimized release build users run. Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
for preset in dev release; do
  echo "== $preset: configure, build, test"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset" -j2
done
