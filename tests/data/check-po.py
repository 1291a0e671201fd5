#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every language in po/LINGUAS has a .po file and every .po file is in
LINGUAS; each one passes msgfmt -c --check-format --check-accelerators
(headers, plural forms, printf formats that match the English string, one
mnemonic underscore where the English has one)."""

import glob
import os
import re
import subprocess
import sys

srcdir = sys.argv[1]
podir = os.path.join(srcdir, 'po')
failures = []

with open(os.path.join(podir, 'LINGUAS'), encoding='utf-8') as f:
    linguas = []
    for line in f:
        line = line.split('#', 1)[0]
        linguas.extend(line.split())

for lang in linguas:
    if not re.fullmatch(r'[a-z]{2,3}(_[A-Z]{2})?(@[a-z]+)?', lang):
        failures.append(f'LINGUAS: "{lang}" is not a language code')
if len(set(linguas)) != len(linguas):
    failures.append('LINGUAS lists a language twice')

po_files = sorted(glob.glob(os.path.join(podir, '*.po')))
present = [os.path.basename(p)[:-3] for p in po_files]
for lang in linguas:
    if lang not in present:
        failures.append(f'LINGUAS lists {lang} but po/{lang}.po is missing')
for lang in present:
    if lang not in linguas:
        failures.append(f'po/{lang}.po exists but {lang} is not in LINGUAS, so it is never built')

for path in po_files:
    proc = subprocess.run(['msgfmt', '-c', '--check-format', '--check-accelerators=_',
                           '--statistics', '-o', os.devnull, path],
                          capture_output=True, text=True)
    report = proc.stderr.strip()
    if proc.returncode != 0 or 'warning:' in report:
        failures.append(f'{os.path.basename(path)}: msgfmt failed or warned:\n{report}')
    else:
        print(f'{os.path.basename(path)}: {report}')

for f in failures:
    print(f, file=sys.stderr)
print(f'{len(po_files)} translations checked, {len(failures)} problems')
sys.exit(1 if failures else 0)
