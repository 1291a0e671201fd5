#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Takes the screenshots in docs/screenshots/ (used by the README and the
# AppStream metainfo): the main window with the demo beat on the Grid page,
# light and dark, and the Mixer and Song pages (light).
#
#   tools/screenshots.sh [BUILD_DIR] [OUT_DIR]
#
# Needs xvfb-run, imagemagick's import/convert and a built tree.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
out=${2:-$top/docs/screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd)

shoot () {
  local scheme=$1 view=$2 file=$3 home
  home=$(mktemp -d)

  # A keyfile backend in a fresh home: the app starts with the demo and the
  # colour scheme and view set below, whatever the machine's own settings are.
  env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/config" \
      XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache" \
      GSETTINGS_BACKEND=keyfile GSETTINGS_SCHEMA_DIR="$build/data" \
      XDG_DATA_DIRS="$top/data:/usr/share" GTK_A11Y=none LANG=C.UTF-8 \
      xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
        gsettings set io.github.tandemjam.Tandem color-scheme "$0"
        gsettings set io.github.tandemjam.Tandem last-view "$3"
        gsettings set io.github.tandemjam.Tandem window-width 1100
        gsettings set io.github.tandemjam.Tandem window-height 720
        "$1/src/tandem" 2>/dev/null &
        app=$!
        sleep 9   # past the start-up toast
        import -window root -crop 1100x720+0+0 +repage "$2"
        kill $app' "$scheme" "$build" "$out/$file" "$view"

  rm -rf "$home"
  echo "$out/$file"
}

shoot light grid main-light.png
shoot dark grid main-dark.png
shoot light mixer mixer.png
shoot light song song.png
