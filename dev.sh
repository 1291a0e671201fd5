#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Set up everything Tandem needs on Debian 12, build it, then run it or test it.
#
#   ./dev.sh run [ARGS…]   install what is missing, build, start the app
#   ./dev.sh test          install what is missing, build, run the whole test suite:
#                            normal      the suite as built (build/)
#                            sanitizers  the suite again under ASan + UBSan (build-asan/)
#                            fuzz        the fuzz targets, with clang (build-fuzz/), when
#                                        the tree has them
#   ./dev.sh test STAGE…   only those stages (e.g. `./dev.sh test normal` while working)
#
# Every stage runs even when one before it failed; the exit status says
# whether all passed. Missing Debian packages are installed with apt (as
# root, or through sudo).
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")"
BUILD_DIR=${TANDEM_BUILD_DIR:-build}
ASAN_DIR=${TANDEM_ASAN_DIR:-build-asan}
FUZZ_DIR=${TANDEM_FUZZ_DIR:-build-fuzz}
# -noreset: Xvfb otherwise resets when its last client leaves, and an app
# that connects during the reset fails with "cannot open display". The
# suite's UI tests come and go one after another, so that window is hit.
XVFB=(xvfb-run -a -s "-screen 0 1280x800x24 -noreset")

PACKAGES=(
  meson ninja-build pkg-config gcc
  libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev
  portaudio19-dev libsndfile1-dev libsamplerate0-dev libarchive-dev
  xvfb xauth dbus at-spi2-core gettext desktop-file-utils appstream
  flatpak-builder python3 python3-gi gir1.2-gtk-4.0 gir1.2-atspi-2.0
  sox alsa-utils libasound2-plugins jackd2 hydrogen-data
  clang libfuzzer-14-dev libclang-rt-14-dev
  glib-networking libgnutls28-dev
  redis-server libhiredis-dev
  avahi-daemon libavahi-client-dev libavahi-glib-dev libgupnp-igd-1.0-dev libgupnp-1.6-dev
  iproute2 util-linux
)

install_missing () {
  local missing=() pkg sudo=""

  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

build () {
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    meson setup "$BUILD_DIR" --buildtype=debugoptimized
  fi
  meson compile -C "$BUILD_DIR"
}

# A stage whose build fails says so in one line (.ci/run counts it as a
# failure, since none of its tests ran).
stage_failed_to_build () {
  echo "dev.sh: the $1 stage did not build; none of its tests ran" >&2
  return 1
}

# libjack keeps a metadata database in /dev/shm whose lock a client killed
# at the wrong moment holds forever: every later PortAudio start (ALSA
# probes its JACK plugin) would hang on it. With no jackd running, it is
# stale.
clear_stale_jack_state () {
  if ! pgrep -x jackd >/dev/null 2>&1; then
    rm -rf "/dev/shm/jack_db-$(id -u)"
  fi
}

stage_normal () {
  build || stage_failed_to_build normal || return 1
  clear_stale_jack_state
  # One virtual display for the whole suite; tests that need the
  # accessibility bus start their own D-Bus session.
  "${XVFB[@]}" meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2
}

stage_sanitizers () {
  # A build of its own: everything compiled with ASan and UBSan, linked
  # without --no-undefined (the sanitizer runtimes resolve at load time).
  if [ ! -f "$ASAN_DIR/build.ninja" ]; then
    meson setup "$ASAN_DIR" --buildtype=debugoptimized \
      -Db_sanitize=address,undefined -Db_lundef=false ||
      stage_failed_to_build sanitizers || return 1
  fi
  meson compile -C "$ASAN_DIR" || stage_failed_to_build sanitizers || return 1
  # The options and suppressions are the "sanitizers" test setup
  # (tests/meson.build, tests/sanitizers/).
  clear_stale_jack_state
  "${XVFB[@]}" meson test -C "$ASAN_DIR" --setup sanitizers --print-errorlogs \
    --num-processes 2
}

have_fuzzing () {
  grep -q "option('fuzzing'" meson_options.txt
}

stage_fuzz () {
  if ! have_fuzzing; then
    echo "dev.sh: fuzz stage skipped: this tree has no fuzz targets"
    return 0
  fi
  if ! command -v clang > /dev/null; then
    echo "dev.sh: fuzz stage skipped: clang is not installed"
    return 0
  fi
  # libFuzzer needs clang for the harnesses and the libraries they link.
  if [ ! -f "$FUZZ_DIR/build.ninja" ]; then
    CC=clang meson setup "$FUZZ_DIR" --buildtype=debugoptimized -Dfuzzing=true -Dgui=false ||
      stage_failed_to_build fuzz || return 1
  fi
  meson compile -C "$FUZZ_DIR" || stage_failed_to_build fuzz || return 1
  meson test -C "$FUZZ_DIR" --suite fuzz --print-errorlogs --num-processes 2
}

case "${1:-}" in
  run)
    shift
    install_missing
    build
    # Run from the build tree: the schema and resources come from there.
    export GSETTINGS_SCHEMA_DIR="$PWD/$BUILD_DIR/data"
    export XDG_DATA_DIRS="$PWD/data:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
    exec "$BUILD_DIR/src/tandem" "$@"
    ;;
  test)
    shift
    stages=("$@")
    [ ${#stages[@]} -eq 0 ] && stages=(normal sanitizers fuzz)
    for stage in "${stages[@]}"; do
      case "$stage" in
        normal|sanitizers|fuzz) ;;
        *) echo "Unknown stage: $stage (normal, sanitizers, fuzz)" >&2; exit 2 ;;
      esac
    done
    install_missing
    status=0
    for stage in "${stages[@]}"; do
      echo "dev.sh: === $stage stage ==="
      "stage_$stage" || status=1
    done
    exit $status
    ;;
  *)
    echo "Usage: $0 run [ARGS…] | test [normal|sanitizers|fuzz…]" >&2
    exit 2
    ;;
esac
