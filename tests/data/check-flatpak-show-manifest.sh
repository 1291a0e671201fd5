#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# flatpak-builder parses the manifest; with fatal warnings an unknown or
# misspelt key fails. It writes a .flatpak-builder state dir into the
# current directory, so run it from a throwaway one.
set -eu
manifest=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
G_DEBUG=fatal-warnings flatpak-builder --show-manifest "$manifest" > manifest.out
test -s manifest.out
echo "flatpak-builder parsed $manifest"
