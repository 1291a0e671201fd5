#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifests build what we expect from pinned sources only:
every source is the local tree or an archive URL with a SHA-256; the
sandbox holds exactly the agreed permissions; the Devel manifest is the same
build with -Ddevelopment=true. Offline: nothing is downloaded."""

import json
import os
import re
import sys

srcdir = os.path.realpath(sys.argv[1])
flatpak_dir = os.path.join(srcdir, 'flatpak')
app_id = 'io.github.tandemjam.Tandem'
failures = []

ALLOWED_FINISH_ARGS = {
    '--share=network',       # sessions
    '--share=ipc',           # X11 shared memory
    '--socket=wayland',
    '--socket=fallback-x11',
    '--socket=pulseaudio',   # sound output
    '--device=dri',          # GL rendering
    # Hydrogen drum kits, read only: the user's (~/.local/share/hydrogen,
    # ~/.hydrogen, the Hydrogen Flatpak's) and the system's, which the
    # sandbox shows under /run/host/usr/share only through host-os.
    '--filesystem=xdg-data/hydrogen:ro',
    '--filesystem=~/.hydrogen:ro',
    '--filesystem=~/.var/app/org.hydrogenmusic.Hydrogen/data/hydrogen:ro',
    '--filesystem=host-os:ro',
    # Announcing hosted sessions and finding them on the LAN (DNS-SD).
    '--system-talk-name=org.freedesktop.Avahi',
}

# Dependencies come from their upstream projects' own release archives, as
# Flathub expects: the same bytes Debian repackages, so the same SHA-256.
UPSTREAM_SOURCES = {
    'portaudio': ('https://files.portaudio.com/archives/pa_stable_v190600_20161030.tgz',
                  'f5a21d7dcd6ee84397446fa1fa1a0675bb2e8a4a6dceb4305a8404698d8d1513'),
    'libsamplerate': ('https://github.com/libsndfile/libsamplerate/archive/refs/tags/0.2.2.tar.gz',
                      '16e881487f184250deb4fcb60432d7556ab12cb58caea71ef23960aec6c0405a'),
}


def fail(msg):
    failures.append(msg)


def check_sources(manifest_name, module_path, sources):
    if not sources:
        fail(f'{manifest_name}: module {module_path} has no sources')
    for src in sources:
        if isinstance(src, str):
            fail(f'{manifest_name}: {module_path}: source file references ({src}) are not allowed')
            continue
        kind = src.get('type')
        if kind == 'dir':
            target = os.path.realpath(os.path.join(flatpak_dir, src.get('path', '')))
            if target != srcdir:
                fail(f'{manifest_name}: {module_path}: dir source {src.get("path")} is not the repository root')
        elif kind in ('archive', 'file'):
            url = src.get('url', '')
            if not re.fullmatch(r'https://[^\s]+', url):
                fail(f'{manifest_name}: {module_path}: source URL {url!r} is not https')
            if not re.fullmatch(r'[0-9a-f]{64}', src.get('sha256', '')):
                fail(f'{manifest_name}: {module_path}: {url} has no 64-hex sha256')
            for weak in ('md5', 'sha1', 'sha512'):
                if weak in src:
                    fail(f'{manifest_name}: {module_path}: use sha256 only')
        else:
            fail(f'{manifest_name}: {module_path}: source type {kind!r} is neither a local dir nor a pinned archive')


def walk_modules(manifest_name, modules, prefix=''):
    names = []
    for mod in modules:
        if isinstance(mod, str):
            fail(f'{manifest_name}: external module file {mod} is not allowed (sources must be visible here)')
            continue
        path = prefix + mod.get('name', '?')
        names.append(path)
        check_sources(manifest_name, path, mod.get('sources', []))
        names += walk_modules(manifest_name, mod.get('modules', []), path + '/')
    return names


def load(name):
    with open(os.path.join(flatpak_dir, name), encoding='utf-8') as f:
        return json.load(f)


manifests = {}
for name, want_id in ((f'{app_id}.json', app_id), (f'{app_id}.Devel.json', f'{app_id}.Devel')):
    m = load(name)
    manifests[name] = m
    if m.get('id', m.get('app-id')) != want_id:
        fail(f'{name}: id is {m.get("id")!r}, expected {want_id}')
    if m.get('runtime') != 'org.gnome.Platform' or m.get('sdk') != 'org.gnome.Sdk':
        fail(f'{name}: not on the GNOME runtime')
    if m.get('command') != 'tandem':
        fail(f'{name}: command is not tandem')
    finish = m.get('finish-args', [])
    if set(finish) != ALLOWED_FINISH_ARGS or len(finish) != len(ALLOWED_FINISH_ARGS):
        extra = sorted(set(finish) - ALLOWED_FINISH_ARGS)
        missing = sorted(ALLOWED_FINISH_ARGS - set(finish))
        fail(f'{name}: finish-args differ from the agreed set: extra {extra}, missing {missing}')
    cleanup = set(m.get('cleanup', []))
    for want in ('/include', '/lib/pkgconfig', '*.la', '*.a', '/share/man', '/share/doc'):
        if want not in cleanup:
            fail(f'{name}: cleanup lacks {want}')
    names = walk_modules(name, m.get('modules', []))
    if not names or names[-1] != 'tandem':
        fail(f'{name}: the last module must be tandem itself, got {names}')
    for dep in ('portaudio', 'libsamplerate'):
        if dep not in names:
            fail(f'{name}: no {dep} module (the GNOME runtime lacks it)')
    for mod in m.get('modules', []):
        if isinstance(mod, dict) and mod.get('name') in UPSTREAM_SOURCES:
            url, sha = UPSTREAM_SOURCES[mod['name']]
            got = [(s.get('url'), s.get('sha256')) for s in mod.get('sources', [])]
            if got != [(url, sha)]:
                fail(f'{name}: {mod["name"]} must come from {url} (sha256 {sha}), not {got}')

    app = m['modules'][-1] if m.get('modules') else {}
    opts = app.get('config-opts', [])
    if app.get('buildsystem') != 'meson':
        fail(f'{name}: tandem is not built with meson')
    if want_id.endswith('.Devel') != ('-Ddevelopment=true' in opts):
        fail(f'{name}: -Ddevelopment=true must be set exactly in the Devel manifest')

# Same dependencies, byte for byte, in both.
stable, devel = manifests[f'{app_id}.json'], manifests[f'{app_id}.Devel.json']
if stable.get('modules', [])[:-1] != devel.get('modules', [])[:-1]:
    fail('the dependency modules of the two manifests differ')
if stable.get('runtime-version') != devel.get('runtime-version'):
    fail('the two manifests use different runtime versions')

for f in failures:
    print(f, file=sys.stderr)
print(f'{len(manifests)} manifests checked, {len(failures)} problems')
sys.exit(1 if failures else 0)
