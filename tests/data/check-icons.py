#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The app icons are well-formed SVG on the GNOME grids: 128 px full-colour
icons for the app and its Devel build, a 16 px single-colour symbolic icon."""

import os
import re
import sys
import xml.etree.ElementTree as ET

srcdir = sys.argv[1]
app_id = 'io.github.tandemjam.Tandem'
icons = os.path.join(srcdir, 'data', 'icons', 'hicolor')
SVG = '{http://www.w3.org/2000/svg}'
SYMBOLIC_COLOUR = '#2e3436'
failures = []


def check(path, size, symbolic):
    name = os.path.relpath(path, srcdir)
    if not os.path.isfile(path):
        failures.append(f'{name} is missing')
        return
    with open(path, 'rb') as f:
        raw = f.read()
    # shared-mime-info sniffs "<svg" in the first 256 bytes; past that,
    # gdk-pixbuf cannot tell the file is an SVG.
    if b'<svg' not in raw[:256]:
        failures.append(f'{name}: <svg> must start within the first 256 bytes')
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        failures.append(f'{name}: not well-formed XML: {e}')
        return
    if root.tag != SVG + 'svg':
        failures.append(f'{name}: root element is {root.tag}, not an SVG <svg>')
        return
    if root.get('viewBox', '').split() != ['0', '0', str(size), str(size)]:
        failures.append(f'{name}: viewBox is {root.get("viewBox")!r}, expected 0 0 {size} {size}')
    for attr in ('width', 'height'):
        if root.get(attr) != str(size):
            failures.append(f'{name}: {attr} is {root.get(attr)!r}, expected {size}')
    ids = {}
    shapes = 0
    for el in root.iter():
        if el.get('id'):
            if el.get('id') in ids:
                failures.append(f'{name}: id {el.get("id")} is used twice')
            ids[el.get('id')] = el
        tag = el.tag.replace(SVG, '')
        if tag in ('image', 'script', 'foreignObject', 'text'):
            failures.append(f'{name}: <{tag}> does not belong in an app icon')
        if tag in ('path', 'rect', 'circle', 'ellipse', 'polygon'):
            shapes += 1
        for attr in ('fill', 'stroke'):
            value = el.get(attr)
            if value and value.startswith('url(#'):
                if value[5:-1] not in {e.get('id') for e in root.iter() if e.get('id')}:
                    failures.append(f'{name}: {attr} refers to a missing {value}')
            if symbolic and value and value != 'none' and value.lower() != SYMBOLIC_COLOUR:
                failures.append(f'{name}: symbolic icons use {SYMBOLIC_COLOUR} only, found {attr}={value}')
        if el.get('{http://www.w3.org/1999/xlink}href', el.get('href', '')).startswith(('http', 'file', 'data')):
            failures.append(f'{name}: links to an external or embedded resource')
    if shapes == 0:
        failures.append(f'{name}: draws nothing')
    if symbolic and re.search(rb'(stop-color|opacity|gradient)', raw, re.I):
        failures.append(f'{name}: symbolic icons are flat: no gradients or opacity')


check(os.path.join(icons, 'scalable', 'apps', f'{app_id}.svg'), 128, False)
check(os.path.join(icons, 'scalable', 'apps', f'{app_id}.Devel.svg'), 128, False)
check(os.path.join(icons, 'symbolic', 'apps', f'{app_id}-symbolic.svg'), 16, True)

for f in failures:
    print(f, file=sys.stderr)
print(f'3 icons checked, {len(failures)} problems')
sys.exit(1 if failures else 0)
