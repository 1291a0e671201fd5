#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""update-mime-database accepts the MIME package, and a *.tandem file is
then an application/x-tandem-project (a kind of JSON)."""

import os
import shutil
import subprocess
import sys
import tempfile

mime_xml = sys.argv[1]
failures = []

with tempfile.TemporaryDirectory() as tmp:
    packages = os.path.join(tmp, 'mime', 'packages')
    os.makedirs(packages)
    shutil.copy(mime_xml, packages)
    proc = subprocess.run(['update-mime-database', '-V', os.path.join(tmp, 'mime')],
                          capture_output=True, text=True)
    noise = [l for l in proc.stderr.splitlines()
             if l.strip() and not l.startswith(('Updating MIME database', '***'))]
    if proc.returncode != 0 or any('warning' in l.lower() or 'error' in l.lower() for l in noise):
        failures.append(f'update-mime-database (exit {proc.returncode}):\n{proc.stderr}')
    globs = os.path.join(tmp, 'mime', 'globs2')
    if not os.path.exists(globs):
        failures.append('no globs2 was written')
    else:
        with open(globs, encoding='utf-8') as f:
            entries = [l.strip().split(':') for l in f if not l.startswith('#')]
        if not any(e[1:3] == ['application/x-tandem-project', '*.tandem'] for e in entries):
            failures.append('*.tandem does not map to application/x-tandem-project')
    subclasses = os.path.join(tmp, 'mime', 'subclasses')
    if os.path.exists(subclasses):
        with open(subclasses, encoding='utf-8') as f:
            if 'application/x-tandem-project application/json' not in f.read():
                failures.append('application/x-tandem-project is not a subclass of application/json')
    type_xml = os.path.join(tmp, 'mime', 'application', 'x-tandem-project.xml')
    if not os.path.exists(type_xml):
        failures.append('the type has no description file')

for f in failures:
    print(f, file=sys.stderr)
print(f'{mime_xml}: {len(failures)} problems')
sys.exit(1 if failures else 0)
