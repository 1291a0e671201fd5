#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The built desktop entry passes desktop-file-validate without a single
hint, and launches the app the way GApplication's open handler expects."""

import configparser
import subprocess
import sys

desktop, app_id = sys.argv[1], sys.argv[2]
failures = []

proc = subprocess.run(['desktop-file-validate', desktop], capture_output=True, text=True)
output = (proc.stdout + proc.stderr).strip()
if proc.returncode != 0 or output:
    failures.append(f'desktop-file-validate (exit {proc.returncode}):\n{output}')

parser = configparser.RawConfigParser(strict=True, interpolation=None)
parser.optionxform = str
parser.read(desktop, encoding='utf-8')
entry = parser['Desktop Entry']


def as_list(key):
    return [v for v in entry.get(key, '').split(';') if v]


if entry.get('Icon') != app_id:
    failures.append(f'Icon is {entry.get("Icon")!r}, expected {app_id}')
exec_line = entry.get('Exec', '').split()
if exec_line[:1] != ['tandem'] or '%U' not in exec_line:
    failures.append(f'Exec is {entry.get("Exec")!r}: it must run tandem with %U so links and files open')
for mime in ('x-scheme-handler/tandem', 'application/x-tandem-project'):
    if mime not in as_list('MimeType'):
        failures.append(f'MimeType lacks {mime}')
for cat in ('AudioVideo', 'Audio', 'Music', 'Sequencer'):
    if cat not in as_list('Categories'):
        failures.append(f'Categories lacks {cat}')
if len(as_list('Keywords')) < 5:
    failures.append('too few Keywords for search to find the app')
for key in ('Name', 'Comment'):
    if not entry.get(key):
        failures.append(f'{key} is empty')

for f in failures:
    print(f, file=sys.stderr)
print(f'{desktop}: {len(failures)} problems')
sys.exit(1 if failures else 0)
