#!/usr/bin/env bash
# Installs, with apt-get, the Debian 12 packages clusterplan needs to build and
# test, skipping those already installed. Run as root (or with sudo).
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libboost-program-options-dev libfmt-dev nlohmann-json3-dev doctest-dev
  coinor-libcbc-dev libbenchmark-dev
  libxlsxwriter-dev unzip chromium
  clang
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
