#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Set up everything Tandem needs on Debian 12, build it, then run it or test it.
#
#   ./dev.sh run [ARGS…]   install what is missing, build, start the app
#   ./dev.sh test          install what is missing, build, run the whole test suite
#
# Missing Debian packages are installed with apt (as root, or through sudo).
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")"
BUILD_DIR=${TANDEM_BUILD_DIR:-build}

PACKAGES=(
  meson ninja-build pkg-config gcc
  libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev
  portaudio19-dev libsndfile1-dev libsamplerate0-dev libarchive-dev
  xvfb xauth dbus at-spi2-core gettext desktop-file-utils appstream
  flatpak-builder python3 python3-gi gir1.2-gtk-4.0 gir1.2-atspi-2.0
  sox alsa-utils libasound2-plugins jackd2 hydrogen-data
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
    install_missing
    build
    # One virtual display for the whole suite; tests that need the
    # accessibility bus start their own D-Bus session.
    exec xvfb-run -a -s "-screen 0 1280x800x24" \
      meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2
    ;;
  *)
    echo "Usage: $0 run [ARGS…] | test" >&2
    exit 2
    ;;
esac
