#!/usr/bin/env bash
# Installs every system package SciAgents needs to build, test, benchmark and package.
# Idempotent: checks what is installed first and returns in well under a second when nothing is missing.
# Debian/Ubuntu: apt-get (as root, or through sudo). macOS: Homebrew.
set -euo pipefail

DEBIAN_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang libclang-rt-14-dev
  # Qt 6 (Studio)
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-svg-dev libqt6sql6-sqlite qt6-tools-dev
  libgl-dev
  # numerics
  libeigen3-dev libboost-dev libsundials-dev libnlopt-cxx-dev libmuparser-dev libxsimd-dev
  # linear_algebra: LAPACK (OpenBLAS at run time via libopenblas0-pthread) and CHOLMOD
  libblas-dev liblapack-dev libsuitesparse-dev
  # infrastructure
  libspdlog-dev nlohmann-json3-dev libsqlite3-dev libssl-dev libbenchmark-dev
  # scale-out tests (single-node Slurm on loopback)
  slurm-wlm munge
  # GUI screenshots, packaging checks, load tests
  xvfb xauth imagemagick wrk curl dpkg-dev appstream desktop-file-utils
  # run reports rendered headless (tests/cli/test_report.cpp)
  chromium
  # the server image test (tests/package/container_test.py: podman needs runc here; the base image
  # is made with mmdebstrap from the machine's apt sources)
  podman runc mmdebstrap
  # make lint (clang-tidy, cppcheck); the formatting test (clang-format 14, tests/package/format_test.py);
  # installers/linux/render-icons.sh (rsvg-convert)
  clang-tidy clang-format cppcheck librsvg2-bin
  # peers for benchmarks (numba: compiled quad callbacks, jitted MCMC) and an independent HTTP
  # client for server tests
  python3-scipy python3-numpy python3-numba libopenblas0-pthread python3-requests python3-yaml
  # the Python module (python/, docs/python.md), its pytest suite and the example notebook
  python3-dev pybind11-dev python3-pytest python3-matplotlib jupyter-nbconvert python3-ipykernel
)
BREW_PACKAGES=(cmake ninja ccache pkg-config qt@6 eigen boost sundials nlopt muparser xsimd spdlog
  nlohmann-json sqlite openssl@3 google-benchmark)

log() { printf '[install-deps] %s\n' "$*"; }

install_debian() {
  local missing=()
  # One dpkg-query call for all packages keeps the all-present case fast.
  local installed
  installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${DEBIAN_PACKAGES[@]}" 2>/dev/null \
              | awk '$NF == "installed" {print $1}' || true)
  for p in "${DEBIAN_PACKAGES[@]}"; do
    grep -qx "$p" <<<"$installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "all ${#DEBIAN_PACKAGES[@]} packages present"
    return 0
  fi
  log "installing ${#missing[@]} missing packages: ${missing[*]}"
  local SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then SUDO=(sudo); else
      log "error: not root and sudo is not available; install as root: apt-get install ${missing[*]}"
      exit 2
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq -o DPkg::Lock::Timeout=600
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
  log "done"
}

install_macos() {
  command -v brew >/dev/null || { log "error: Homebrew is required on macOS (https://brew.sh)"; exit 2; }
  local missing=()
  for p in "${BREW_PACKAGES[@]}"; do brew list --versions "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then log "all brew packages present"; return 0; fi
  log "installing: ${missing[*]}"
  brew install "${missing[@]}"
}

case "$(uname -s)" in
  Linux)
    if command -v dpkg-query >/dev/null && command -v apt-get >/dev/null; then install_debian
    else log "error: only Debian/Ubuntu (apt) is automated; install the packages listed in $0 by hand"; exit 2; fi ;;
  Darwin) install_macos ;;
  *) log "error: unsupported system $(uname -s); see README for Windows (vcpkg)"; exit 2 ;;
esac
