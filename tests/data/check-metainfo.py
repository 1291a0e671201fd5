#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The built AppStream metainfo passes `appstreamcli validate --no-net
--pedantic` except for issues we cannot fix, and agrees with the desktop
file, the icons and the project version."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

metainfo, desktop, app_id, version, srcdir = sys.argv[1:6]
failures = []

# (tag, first word of the hint) that we accept, each with the reason.
ACCEPTED = {
    # Reverse-DNS app ids keep the case of the GitHub project name.
    ('cid-contains-uppercase-letter', app_id),
    # appstreamcli 0.16 predates <developer> (AppStream 1.0); it is kept
    # next to <developer_name> for newer stores.
    ('unknown-tag', 'developer'),
}

proc = subprocess.run(['appstreamcli', 'validate', '--no-net', '--pedantic', metainfo],
                      capture_output=True, text=True)
issues = 0
for line in (proc.stdout + proc.stderr).splitlines():
    m = re.match(r'^([EWIP]): [^:]*:(?:\d+:)? ?(\S+) ?(\S*)', line)
    if not m:
        continue
    issues += 1
    if (m.group(2), m.group(3)) not in ACCEPTED:
        failures.append(f'appstreamcli: {line}')
if proc.returncode != 0:
    failures.append(f'appstreamcli validate failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}')

root = ET.parse(metainfo).getroot()
if root.findtext('id') != app_id:
    failures.append(f'id is {root.findtext("id")!r}, expected {app_id}')
launchable = root.find("launchable[@type='desktop-id']")
if launchable is None or launchable.text != os.path.basename(desktop):
    failures.append(f'<launchable> must name {os.path.basename(desktop)}')
if root.findtext("content_rating[@type='oars-1.1']") is None:
    failures.append('no OARS 1.1 content rating')
if 'tandem' not in [b.text for b in root.findall('provides/binary')]:
    failures.append('<provides> does not list the tandem binary')
releases = root.findall('releases/release')
if not releases or releases[0].get('version') != version:
    failures.append(f'the newest <release> must be the project version {version}')
elif releases[0].find('description') is None:
    failures.append(f'release {version} has no description')
shots = root.findall('screenshots/screenshot')
if not any(s.get('type') == 'default' for s in shots):
    failures.append('no default screenshot')
for s in shots:
    url = s.findtext('image') or ''
    if not url.startswith('https://raw.githubusercontent.com/tandemjam/tandem/'):
        failures.append(f'screenshot {url!r} is not in the project repository')
    elif url.startswith('https://raw.githubusercontent.com/tandemjam/tandem/main/'):
        local = os.path.join(srcdir, url.split('/main/', 1)[1])
        if os.path.isdir(os.path.dirname(local)) and not os.path.isfile(local):
            failures.append(f'screenshot {url} is not in the tree at {local}')
    if not s.findtext('caption'):
        failures.append(f'screenshot {url} has no caption')
icon = os.path.join(srcdir, 'data', 'icons', 'hicolor', 'scalable', 'apps', f'{app_id}.svg')
if not os.path.isfile(icon):
    failures.append(f'no icon for {app_id}')

for f in failures:
    print(f, file=sys.stderr)
print(f'{metainfo}: {issues} issues reported, {len(failures)} not accepted')
sys.exit(1 if failures else 0)
