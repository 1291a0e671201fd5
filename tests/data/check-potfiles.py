#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""po/POTFILES.in is sorted, lists only existing files, misses no file with
translatable strings, and xgettext extracts from it without warnings."""

import os
import re
import subprocess
import sys
import tempfile

srcdir = sys.argv[1]
potfiles_in = os.path.join(srcdir, 'po', 'POTFILES.in')
failures = []

with open(potfiles_in, encoding='utf-8') as f:
    listed = [l.strip() for l in f
              if l.strip() and not l.lstrip().startswith('#')]

# Sorted as "LC_ALL=C sort" sorts: by bytes.
if listed != sorted(listed, key=lambda s: s.encode()):
    for a, b in zip(listed, listed[1:]):
        if a.encode() > b.encode():
            failures.append(f'POTFILES.in is not sorted: {a} comes before {b}')
if len(set(listed)) != len(listed):
    failures.append('POTFILES.in lists a file twice')
for path in listed:
    if not os.path.isfile(os.path.join(srcdir, path)):
        failures.append(f'POTFILES.in lists {path}, which does not exist')

# Every source or UI file with a gettext call or a translatable property.
marker = re.compile(r'\b(?:N?_|C_|NC_|g_dpgettext2?|ngettext)\s*\(\s*"'
                    r'|translatable\s*=\s*"(?:yes|true)"'
                    r'|\b_\s*\(\s*"')
for root, dirs, files in os.walk(os.path.join(srcdir, 'src')):
    dirs.sort()
    for name in sorted(files):
        if not name.endswith(('.c', '.h', '.ui', '.blp')):
            continue
        path = os.path.join(root, name)
        rel = os.path.relpath(path, srcdir)
        with open(path, encoding='utf-8', errors='replace') as f:
            if marker.search(f.read()) and rel not in listed:
                failures.append(f'{rel} has translatable strings but is not in po/POTFILES.in')

# Extract the way meson's glib preset does; any warning means a string
# translators would get wrong or not at all.
keywords = ['--keyword=_', '--keyword=N_', '--keyword=C_:1c,2',
            '--keyword=NC_:1c,2', '--keyword=g_dcgettext:2',
            '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
            '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format',
            '--flag=NC_:2:pass-c-format', '--flag=g_dngettext:2:pass-c-format',
            '--flag=g_strdup_printf:1:c-format',
            '--flag=g_string_printf:2:c-format',
            '--flag=g_string_append_printf:2:c-format',
            '--flag=g_error_new:3:c-format',
            '--flag=g_set_error:4:c-format']
existing = [p for p in listed if os.path.isfile(os.path.join(srcdir, p))]
with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, 'tandem.pot')
    proc = subprocess.run(['xgettext', '--package-name=tandem', '--from-code=UTF-8',
                           '--add-comments', '-o', pot, *keywords, *existing],
                          cwd=srcdir, capture_output=True, text=True)
    if proc.returncode != 0 or proc.stderr.strip():
        failures.append('xgettext failed or warned:\n' + proc.stderr.strip())
    elif not os.path.exists(pot):
        failures.append('xgettext found no translatable strings at all')
    else:
        with open(pot, encoding='utf-8') as f:
            pot_text = f.read()
        # The strings users see first must reach translators.
        for needle in ('msgid "Step Sequencer"', 'msgid "Make beats together, live"',
                       'msgid "Tandem project"', 'msgid "Display name"'):
            if needle not in pot_text:
                failures.append(f'the template lacks {needle}')

for f in failures:
    print(f, file=sys.stderr)
print(f'{len(listed)} files in POTFILES.in, {len(failures)} problems')
sys.exit(1 if failures else 0)
