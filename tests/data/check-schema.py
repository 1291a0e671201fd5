#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The GSettings schema documents every key and bounds every number, and the
schema compiled into the build dir gives the app the defaults it expects."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

srcdir, schema_dir = sys.argv[1], sys.argv[2]
schema_id = 'io.github.tandemjam.Tandem'
path = os.path.join(srcdir, 'data', f'{schema_id}.gschema.xml')
failures = []

root = ET.parse(path).getroot()
if root.get('gettext-domain') != 'tandem':
    failures.append('the schemalist must name the gettext domain "tandem"')
schemas = root.findall('schema')
if [s.get('id') for s in schemas] != [schema_id]:
    failures.append(f'expected exactly one schema, {schema_id}')
elif schemas[0].get('path') != '/io/github/tandemjam/Tandem/':
    failures.append(f'schema path is {schemas[0].get("path")}')

# Strings that hold free text (a device name, a person's name, a colour)
# cannot have choices; every other key is bounded.
FREE_TEXT = {'audio-device', 'display-name', 'display-color'}
FREE_TEXT |= {'host-server-address', 'host-server-token'}
keys = {}
for key in root.iter('key'):
    name, gtype = key.get('name'), key.get('type')
    keys[name] = gtype
    for child in ('summary', 'description'):
        text = (key.findtext(child) or '').strip()
        if len(text) < 4:
            failures.append(f'{name}: no {child}')
    if gtype in ('y', 'n', 'q', 'i', 'u', 'x', 't', 'd'):
        if key.find('range') is None:
            failures.append(f'{name}: numeric key without a <range>')
    elif gtype == 's' and name not in FREE_TEXT and key.find('choices') is None:
        failures.append(f'{name}: string key without <choices>')

expected = {
    'audio-device': 's', 'sample-rate': 'u', 'buffer-size': 'u',
    'display-name': 's', 'display-color': 's', 'recent-sessions': 'a(ss)',
    'recent-projects': 'as', 'color-scheme': 's', 'window-width': 'i',
    'window-height': 'i', 'window-maximized': 'b', 'last-view': 's',
    'max-sample-size': 't', 'metronome': 'b', 'metronome-while-playing': 'b',
}
expected.update({'host-open-port': 'b', 'host-where': 's', 'host-server-address': 's',
                 'host-server-token': 's'})
for name, gtype in expected.items():
    if keys.get(name) != gtype:
        failures.append(f'key {name} should be of type {gtype}, is {keys.get(name)}')
for name in keys.keys() - expected.keys():
    failures.append(f'key {name} is not known to this test: add it here with its type')


def gsettings(*args):
    proc = subprocess.run(['gsettings', '--schemadir', schema_dir, *args],
                          capture_output=True, text=True,
                          env=dict(os.environ, GSETTINGS_BACKEND='memory'))
    if proc.returncode != 0:
        failures.append(f'gsettings {" ".join(args)}: {proc.stderr.strip()}')
    return proc.stdout.strip()


if not os.path.exists(os.path.join(schema_dir, 'gschemas.compiled')):
    failures.append(f'{schema_dir}/gschemas.compiled was not built')
else:
    defaults = {
        'sample-rate': 'uint32 48000',
        'buffer-size': 'uint32 256',
        'display-color': "'#3584e4'",
        'color-scheme': "'default'",
        'window-width': '1100',
        'window-height': '720',
        'window-maximized': 'false',
        'last-view': "'grid'",
        'max-sample-size': 'uint64 104857600',
        'recent-sessions': '@a(ss) []',
        'audio-device': "''",
        'metronome': 'false',
        'metronome-while-playing': 'false',
    }
    for name, want in defaults.items():
        got = gsettings('get', schema_id, name)
        if got != want:
            failures.append(f'default of {name} is {got!r}, expected {want!r}')
    # Bounds the preferences UI relies on.
    for name, want in (('color-scheme', "enum\n'default'\n'light'\n'dark'"),
                       ('last-view', "enum\n'grid'\n'mixer'\n'song'"),
                       ('max-sample-size', 'range t 1048576 2147483648'),
                       ('window-width', 'range i 360 16384')):
        got = gsettings('range', schema_id, name)
        if got != want:
            failures.append(f'range of {name} is {got!r}, expected {want!r}')
    # Out-of-range writes are refused.
    proc = subprocess.run(['gsettings', '--schemadir', schema_dir, 'set', schema_id,
                           'max-sample-size', '4294967296'],
                          capture_output=True, text=True,
                          env=dict(os.environ, GSETTINGS_BACKEND='memory'))
    if proc.returncode == 0:
        failures.append('a 4 GiB max-sample-size was accepted')

for f in failures:
    print(f, file=sys.stderr)
print(f'{len(keys)} keys checked, {len(failures)} problems')
sys.exit(1 if failures else 0)
