#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Takes the screenshots in docs/screenshots/ (used by the README and the
# AppStream metainfo): two people, Ada and Ben, in one session of the demo
# beat with a second pattern, “Chorus”. Ada is on the Grid page with the list
# of people open (light and dark); Ben works on Chorus in the Mixer; Ada's
# Song page.
#
#   tools/screenshots.sh [BUILD_DIR] [OUT_DIR]
#
# Each shot starts a tandem-server on loopback, creates the session over its
# HTTP API, and starts two tandem processes (each with its own home, so its
# own name, colour and settings) that join it with tandem:// links, on one
# Xvfb screen side by side.
#
# Needs a built tree, xvfb-run, jackd (its dummy driver stands in for a sound
# card), curl, python3, imagemagick (import) and xdotool (apt-get install
# imagemagick xdotool; dev.sh does not run this script).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
out=${2:-$top/docs/screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd)

width=1100
height=720

for tool in xvfb-run jackd curl python3 import xdotool; do
  command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is missing" >&2; exit 1; }
done

# The demo beat, and Chorus: its first pattern with a busier hi-hat.
project_json () {
  python3 - "$top/examples/demo.tandem" <<'EOF'
import copy, json, sys
doc = json.load(open(sys.argv[1]))
project = doc["project"]
chorus = copy.deepcopy(project["patterns"][0])
chorus["id"] = "chorus"
chorus["name"] = "Chorus"
project["patterns"].append(chorus)
print(json.dumps({"project": project}))
EOF
}

# A views file (src/ui/tandem-window-views.c) that puts a person on @pattern
# and @page when they join session @id.
views_ini () {
  local id=$1 pattern=$2 page=$3
  printf '[%s]\npattern=%s\npage=%s\nused=1\n' \
    "$(printf 'session:%s' "$id" | sha256sum | cut -d' ' -f1)" "$pattern" "$page"
}

# Runs inside xvfb-run: $1 scheme, $2 Ada's page, $3 Ben's page, $4 what to
# take (ada-people, ada, ben), $5 the PNG.
session_shot () {
  local scheme=$1 ada_page=$2 ben_page=$3 take=$4 file=$5
  local tmp port created id owner editor first wid geometry
  local ada= ben= server= jack=
  tmp=$(mktemp -d)
  trap 'kill $ada $ben $server $jack 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' RETURN

  # A sound card for the apps, in time with the clock: the mixer's meters move
  # and nobody is told the audio is off.
  jackd --no-realtime -d dummy -r 48000 -p 512 >/dev/null 2>&1 &
  jack=$!
  "$build/src/server/tandem-server" --port 0 --bind 127.0.0.1 --data-dir "$tmp/server" \
      --admin-token screenshots >"$tmp/server.out" 2>/dev/null &
  server=$!
  for _ in $(seq 100); do
    port=$(sed -n 's/^tandem-server listening on port \([0-9]*\)$/\1/p' "$tmp/server.out")
    [ -n "$port" ] && break
    sleep 0.1
  done
  created=$(project_json | curl -sf -X POST -H "Authorization: Bearer screenshots" \
              --data-binary @- "http://127.0.0.1:$port/sessions")
  read -r id owner editor < <(python3 -c '
import json, sys
s = json.loads(sys.argv[1])
print(s["id"], s["invites"]["owner"], s["invites"]["editor"])' "$created")
  first=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["project"]["patterns"][0]["id"])' \
            < <(project_json))

  # One home per person: name, colour, style and where they were in the session.
  person () {
    local who=$1 name=$2 color=$3 pattern=$4 page=$5 home="$tmp/$1"
    mkdir -p "$home/data/tandem" "$home/config"
    views_ini "$id" "$pattern" "$page" >"$home/data/tandem/views.ini"
    env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/config" \
        XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache" GSETTINGS_BACKEND=keyfile \
        GSETTINGS_SCHEMA_DIR="$build/data" bash -c '
      gsettings set io.github.tandemjam.Tandem color-scheme "$0"
      gsettings set io.github.tandemjam.Tandem display-name "$1"
      gsettings set io.github.tandemjam.Tandem display-color "$2"
      gsettings set io.github.tandemjam.Tandem last-view "$3"
      gsettings set io.github.tandemjam.Tandem window-width "$4"
      gsettings set io.github.tandemjam.Tandem window-height "$5"' \
        "$scheme" "$name" "$color" "$page" "$width" "$height"
  }
  launch () {
    local home="$tmp/$1"
    # No session bus: each process is an app of its own, not a second window
    # of the first.
    env -i PATH="$PATH" DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" HOME="$home" XDG_CONFIG_HOME="$home/config" \
        XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache" GSETTINGS_BACKEND=keyfile \
        GSETTINGS_SCHEMA_DIR="$build/data" XDG_DATA_DIRS="$top/data:/usr/share" \
        DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent GTK_A11Y=none LANG=C.UTF-8 \
        "$build/src/tandem" "$2" 2>/dev/null &
  }
  # The app's window once it is mapped.
  window_of () {
    timeout 30 xdotool search --sync --onlyvisible --pid "$1" | head -1
  }

  person ada "Ada Lovelace" "#e01b24" "$first" "$ada_page"
  person ben "Ben Okafor" "#2ec27e" chorus "$ben_page"
  launch ada "$owner"
  ada=$!
  xdotool windowmove "$(window_of $ada)" 0 0
  launch ben "$editor"
  ben=$!
  xdotool windowmove "$(window_of $ben)" $((width + 20)) 0
  # Past the start-up and “joined” toasts.
  sleep 13

  geometry="${width}x${height}+0+0"
  case $take in
    ada-people)
      # Without a compositor the popover's shadow margin comes out black:
      # that margin shows the window as it was before the popover opened.
      import -window root -crop "$geometry" +repage "$tmp/before.png"
      xdotool windowfocus --sync "$(window_of $ada)"
      xdotool key --clearmodifiers ctrl+shift+p
      sleep 1
      import -window root -crop "$geometry" +repage -transparent black "$tmp/after.png"
      convert "$tmp/before.png" "$tmp/after.png" -composite "$file"
      return ;;
    ben)
      # Ada starts the beat for both: Ben's meters move.
      xdotool windowfocus --sync "$(window_of $ada)"
      xdotool key space
      sleep 4
      geometry="${width}x${height}+$((width + 20))+0" ;;
  esac
  import -window root -crop "$geometry" +repage "$file"
}

shoot () {
  local file=$1
  shift
  env -i PATH="$PATH" LANG=C.UTF-8 xvfb-run -a -s "-screen 0 $((2 * width + 20))x${height}x24" \
      bash -c "$(declare -f project_json views_ini session_shot); \
               top='$top' build='$build' width=$width height=$height; \
               session_shot \"\$@\"" shot "$@" "$out/$file"
  echo "$out/$file"
}

shoot main-light.png light grid mixer ada-people
shoot main-dark.png dark grid mixer ada-people
shoot mixer.png light grid mixer ben
shoot song.png light song mixer ada
