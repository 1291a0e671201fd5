#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `tandem --list-kits` prints each kit found as NAME<tab>FOLDER, one a line,
# sorted by name, without a display; broken kits are named on stderr.
set -eu
tandem=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/kits/Mine" "$tmp/kits/Broken" "$tmp/kits/Zed" "$tmp/home"
printf '<drumkit_info><name>Aardvark Kit</name><instrumentList><instrument><name>Hit</name><filename>hit.wav</filename></instrument></instrumentList></drumkit_info>' \
  > "$tmp/kits/Mine/drumkit.xml"
printf 'RIFF' > "$tmp/kits/Mine/hit.wav"
printf '<drumkit_info><name>Broken</name>' > "$tmp/kits/Broken/drumkit.xml"
printf '<drumkit_info><name>Zed Kit</name><instrumentList><instrument><name>Hit</name><filename>hit.wav</filename></instrument></instrumentList></drumkit_info>' \
  > "$tmp/kits/Zed/drumkit.xml"
printf 'RIFF' > "$tmp/kits/Zed/hit.wav"
tar -czf "$tmp/kits/Zed.h2drumkit" -C "$tmp/kits" Zed
rm -rf "$tmp/kits/Zed"

env -u DISPLAY -u WAYLAND_DISPLAY HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/data" \
  TANDEM_KIT_PATH="$tmp/kits" "$tandem" --list-kits > "$tmp/out" 2> "$tmp/err"

want=$(printf 'Aardvark Kit\t%s\n' "$tmp/kits/Mine")
head -n 1 "$tmp/out" | grep -qxF "$want" || { echo "first line is not “$want”:"; cat "$tmp/out"; exit 1; }
grep -qxF "$(printf 'Zed Kit\t%s' "$tmp/kits/Zed.h2drumkit")" "$tmp/out" || { echo "no archive kit:"; cat "$tmp/out"; exit 1; }
if [ -e /usr/share/hydrogen/data/drumkits/GMRockKit/drumkit.xml ]; then
  grep -qxF "$(printf 'GMRockKit\t/usr/share/hydrogen/data/drumkits/GMRockKit')" "$tmp/out" ||
    { echo "the system kits are missing:"; cat "$tmp/out"; exit 1; }
fi
sort -f -c "$tmp/out" || { echo "not sorted by name"; exit 1; }
grep -q "Broken.*not valid XML" "$tmp/err" || { echo "the broken kit is not named on stderr:"; cat "$tmp/err"; exit 1; }
grep -q "Broken" "$tmp/out" && { echo "a broken kit was listed"; exit 1; }
echo "tandem --list-kits: $(wc -l < "$tmp/out") kits"
