#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the real app over AT-SPI, the way a screen reader would: finds the
# main controls by accessible name and role, toggles a grid cell through its
# action and checks its state, switches to the Mixer page with the view
# switcher and mutes the kick there. Run inside its own D-Bus session:
#   dbus-run-session -- python3 test-atspi.py
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

try:
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi
except (ImportError, ValueError) as error:
    print(f"1..0 # SKIP no AT-SPI bindings: {error}")
    sys.exit(0)

TIMEOUT = 30


def fail(message):
    print(f"not ok - {message}")
    sys.exit(1)


# The app under test, so that a wait stops at once if it died.
app_process = None


def wait_for(what, find):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if app_process is not None and app_process.poll() is not None:
            fail(f"the app exited with status {app_process.returncode} while waiting for {what}")
        found = find()
        if found is not None:
            return found
        time.sleep(0.2)
    fail(f"timed out waiting for {what}")


def find_app():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_name() in ("tandem", "Tandem"):
            return app
    return None


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    for i in range(node.get_child_count()):
        yield from walk(node.get_child_at_index(i), depth + 1)


def find(root, name, roles):
    for node in walk(root):
        try:
            if node.get_name() == name and node.get_role_name() in roles:
                return node
        except gi.repository.GLib.Error:
            continue
    return None


def is_checked(node):
    return node.get_state_set().contains(Atspi.StateType.CHECKED)


def has_state(node, state):
    return node.get_state_set().contains(state)


# GTK 4.8 shows a toggle button as a push button that is "pressed" when on.
BUTTON_ROLES = ("toggle button", "push button", "button")


def is_on(node):
    return has_state(node, Atspi.StateType.PRESSED) or is_checked(node)


def click(node, what):
    if Atspi.Action.get_n_actions(node) < 1:
        fail(f"{what} has no action")
    Atspi.Action.do_action(node, 0)


def start_own_display():
    """Starts an X server of the test's own and returns (process, display).

    The suite's shared Xvfb serves many apps at once; once in a while this
    test's app failed to open it at all, so the one test that needs the
    accessibility bridge gets a display nobody else uses."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        return None, None
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-nolisten", "tcp",
                               "-noreset", "-screen", "0", "1280x800x24"],
                              pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    os.close(write_fd)
    number = b""
    with os.fdopen(read_fd, "rb") as pipe:
        # Xvfb writes the display number and a newline once it accepts clients.
        while not number.endswith(b"\n"):
            chunk = pipe.read(1)
            if not chunk:
                break
            number += chunk
    if not number.strip().isdigit():
        server.kill()
        server.wait()
        return None, None
    return server, ":" + number.strip().decode()


def main():
    global app_process
    build_dir = os.environ["TANDEM_BUILD_DIR"]
    env = dict(os.environ)
    x_server, display = start_own_display()
    if display is not None:
        env["DISPLAY"] = display
        env.pop("XAUTHORITY", None)
        env.pop("WAYLAND_DISPLAY", None)
    env.pop("GTK_A11Y", None)
    env["NO_AT_BRIDGE"] = "0"
    env["GSETTINGS_SCHEMA_DIR"] = os.path.join(build_dir, "data")
    # A home of its own: the edits below are autosaved as a draft, which the
    # next app started in a shared home (this test again, test-window) would
    # restore instead of the demo.
    home = tempfile.TemporaryDirectory(prefix="tandem-atspi-")
    env["HOME"] = home.name
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        env[var] = os.path.join(home.name, sub)

    print("1..6")
    app_process = subprocess.Popen([os.path.join(build_dir, "src", "tandem")], env=env)
    try:
        app = wait_for("the app on the accessibility bus", find_app)
        print("ok 1 - the app is on the accessibility bus")

        for name, roles in (("Play", ("toggle button", "push button", "button")),
                            ("Main Menu", ("toggle button", "push button", "button")),
                            ("Tempo", ("spin button",))):
            if wait_for(f"“{name}”", lambda: find(app, name, roles)) is None:
                fail(f"no {name}")
        print("ok 2 - Play, Main Menu and Tempo are reachable by name")

        # The demo leaves the kick's second step off.
        cell = wait_for("the grid cell “Kick, step 2”",
                        lambda: find(app, "Kick, step 2", ("check box",)))
        if is_checked(cell):
            fail("Kick, step 2 should start off")
        print("ok 3 - grid cells are check boxes named by track and step")

        if Atspi.Action.get_n_actions(cell) < 1:
            fail("the cell has no action")
        Atspi.Action.do_action(cell, 0)
        wait_for("the cell to become checked", lambda: True if is_checked(cell) else None)
        print("ok 4 - doing the cell's action toggles it on")

        # The view switcher's page tabs (the header's; a narrow window has a
        # second switcher at the bottom, either does).
        mixer_tab = wait_for("the “Mixer” page tab",
                             lambda: find(app, "Mixer", ("page tab",)))
        if has_state(mixer_tab, Atspi.StateType.SELECTED):
            fail("the window should open on the Grid page")
        click(mixer_tab, "the Mixer page tab")
        wait_for("the Mixer page to be shown",
                 lambda: True if has_state(mixer_tab, Atspi.StateType.SELECTED) else None)
        print("ok 5 - the view switcher shows the Mixer page")

        mute_kick = wait_for("“Mute Kick”", lambda: find(app, "Mute Kick", BUTTON_ROLES))
        mute_snare = find(app, "Mute Snare", BUTTON_ROLES)
        if mute_snare is None:
            fail("no “Mute Snare”")
        if is_on(mute_kick) or is_on(mute_snare):
            fail("the demo starts with nothing muted")
        click(mute_kick, "Mute Kick")
        wait_for("the kick to be muted", lambda: True if is_on(mute_kick) else None)
        if is_on(mute_snare):
            fail("muting the kick muted the snare too")
        click(mute_kick, "Mute Kick")
        wait_for("the kick to be unmuted", lambda: True if not is_on(mute_kick) else None)
        print("ok 6 - “Mute Kick” mutes and unmutes the kick, and only the kick")
    finally:
        app_process.send_signal(signal.SIGTERM)
        try:
            app_process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app_process.kill()
            app_process.wait()
        home.cleanup()
        if x_server is not None:
            x_server.terminate()
            x_server.wait()


if __name__ == "__main__":
    main()
