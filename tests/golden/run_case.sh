#!/usr/bin/env bash
# Runs one golden case of the clusterplan binary and compares its output.
# Usage: run_case.sh CLUSTERPLAN_BINARY CASE_FILE   (run from the repo root)
#
# A case file holds, in order:
#   # comments
#   args: the command line after "clusterplan" (shell quoting allowed)
#   env: NAME=VALUE          (optional, repeatable)
#   exit: the expected exit code
# then any of these sections, each running to the next section or the end:
#   stdout:            the exact standard output
#   stderr:            the exact standard error
#   stdout-contains:   lines that must each appear in standard output
#   stderr-contains:   lines that must each appear in standard error
set -uo pipefail
binary=$1
case_file=$2

args="" ; expected_exit="" ; section="" ; envs=()
declare -A text=()
while IFS= read -r line || [[ -n $line ]]; do
  if [[ -z $section ]]; then
    case $line in
      "#"*|"") continue ;;
      args:*) args=${line#args:}; continue ;;
      env:*) envs+=("${line#env: }"); continue ;;
      exit:*) expected_exit=${line#exit: }; continue ;;
    esac
  fi
  case $line in
    stdout:|stderr:|stdout-contains:|stderr-contains:) section=${line%:}; text[$section]=""; continue ;;
  esac
  if [[ -z $section ]]; then echo "$case_file: unexpected line: $line"; exit 2; fi
  text[$section]+="$line"$'\n'
done < "$case_file"

[[ -n $expected_exit ]] || { echo "$case_file: missing 'exit:'"; exit 2; }
out_file=$(mktemp) ; err_file=$(mktemp)
trap 'rm -f "$out_file" "$err_file"' EXIT
eval "set -- $args"
env "${envs[@]}" "$binary" "$@" >"$out_file" 2>"$err_file"
actual_exit=$?

status=0
if [[ $actual_exit != "$expected_exit" ]]; then
  echo "exit code: expected $expected_exit, got $actual_exit"; status=1
fi
compare_exact() {  # section file
  [[ -v text[$1] ]] || return 0
  if ! diff -u <(printf '%s' "${text[$1]}") "$2" >/dev/null; then
    echo "$1 differs (- expected, + actual):"; diff -u <(printf '%s' "${text[$1]}") "$2" | tail -n +3
    status=1
  fi
}
compare_contains() {  # section file
  [[ -v text[$1] ]] || return 0
  while IFS= read -r want; do
    [[ -z $want ]] && continue
    if ! grep -qF -- "$want" "$2"; then echo "$1: missing line: $want"; status=1; fi
  done <<< "${text[$1]}"
}
compare_exact stdout "$out_file"
compare_exact stderr "$err_file"
compare_contains stdout-contains "$out_file"
compare_contains stderr-contains "$err_file"
if ((status != 0)); then
  echo "--- command: clusterplan $args"
  echo "--- actual stderr:"; head -c 4000 "$err_file"
fi
exit $status
