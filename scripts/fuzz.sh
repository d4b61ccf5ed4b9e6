#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build/fuzz and runs
# each for a bounded time, one after another, on a copy of the committed
# corpus (tests/fuzz/corpus/<target>/) in build/fuzz/corpus-work/.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60 s, every target)
#
# Prints the executions per target and exits non-zero when any target
# crashed, hung, leaked or drew a sanitizer report. The input that did it is
# saved in build/fuzz/findings/ and the log in build/fuzz/logs/; replay one
# with build/fuzz/tests/fuzz/fuzz_<target> FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi
all_targets=(accelerator system site_table model_constants workload policy layout)
if (($#)); then targets=("$@"); else targets=("${all_targets[@]}"); fi

build=build/fuzz
echo "== configure and build $build (clang, libFuzzer, ASan + UBSan)"
CC=clang CXX=clang++ cmake -S . -B "$build" -DCLUSTERPLAN_FUZZ=ON -DCLUSTERPLAN_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz_all -j2

mkdir -p "$build/findings" "$build/logs" "$build/corpus-work"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

failed=()
summary=()
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/fuzz_$target"
  if [[ ! -x "$binary" ]]; then
    echo "no fuzz target \"$target\"; expected one of: ${all_targets[*]}" >&2
    exit 2
  fi
  work="$build/corpus-work/$target"
  rm -rf "$work"
  mkdir -p "$work"
  cp -r "tests/fuzz/corpus/$target/." "$work/"
  log="$build/logs/$target.log"
  echo "== fuzz_$target: ${seconds}s on $(ls "$work" | wc -l) seed inputs (log: $log)"
  status=0
  "$binary" "$work" -dict="tests/fuzz/$target.dict" -max_total_time="$seconds" -timeout=5 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/findings/$target-" >"$log" 2>&1 || status=$?
  # libFuzzer's last line on a clean finish: "Done 123456 runs in 60 second(s)".
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
  runs=$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/' <<<"$done_line")
  secs=$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\2/' <<<"$done_line")
  corpus=$(ls "$work" | wc -l)
  if [[ $status -ne 0 || -z "$done_line" ]]; then
    artifact=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -1 | sed 's/Test unit written to //' || true)
    reason=$(grep -m1 -E "ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:|deadly signal" "$log" || true)
    last=$(grep -oE '^#[0-9]+' "$log" | tail -1 || true)
    summary+=("$(printf '%-16s FAILED after %s runs: %s %s' "$target" "${last#\#}" "${reason:-exit $status}" "${artifact:+-> $artifact}")")
    failed+=("$target")
  else
    summary+=("$(printf '%-16s %12s runs in %4s s  (%s/s), corpus %s inputs' "$target" "$runs" "$secs" \
      "$((runs / (secs > 0 ? secs : 1)))" "$corpus")")
  fi
done

echo
echo "== fuzz results ($seconds s per target)"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]} (inputs in $build/findings/, logs in $build/logs/)" >&2
  exit 1
fi
echo "no crash, hang, leak or sanitizer report"
