#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a test (argv) beside a real avahi-daemon of its own: a private D-Bus
# system bus, inside new network and mount namespaces (loopback only), so it
# never touches the machine's network or its avahi-daemon.
set -eu

if [ -z "${TANDEM_DISCOVERY_INNER:-}" ]; then
  for tool in unshare dbus-daemon avahi-daemon ip; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "1..0 # SKIP $tool is not installed"; exit 77
    fi
  done
  # As root a network+mount namespace; otherwise a user namespace maps us to root.
  if [ "$(id -u)" = 0 ]; then flags=-nm; else flags=-rnm; fi
  if ! unshare $flags true 2>/dev/null; then
    echo "1..0 # SKIP cannot make a network namespace here (unshare $flags)"; exit 77
  fi
  TANDEM_DISCOVERY_INNER=1 exec unshare $flags "$0" "$@"
fi

ip link set lo up
ip link set lo multicast on

dir=$(mktemp -d "${TMPDIR:-/tmp}/tandem-discovery.XXXXXX")
dbus_pid=; avahi_pid=
cleanup() {
  [ -n "$avahi_pid" ] && kill "$avahi_pid" 2>/dev/null || true
  [ -n "$dbus_pid" ] && kill "$dbus_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# A bus anyone in the namespace may own names on and talk over.
cat > "$dir/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile &
dbus_pid=$!
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
i=0; while [ ! -S "$dir/bus" ]; do i=$((i+1)); [ $i -gt 100 ] && { echo "Bail out! no bus"; exit 1; }; sleep 0.05; done

# TANDEM_DISCOVERY_NETWORK=ipv6: a network with no IPv4 on it, where a
# session is found, and joined, at its IPv6 address only; =dual: one with
# both, where it is found at its IPv4 one. Linux loops no IPv6 multicast
# over lo, so that network is one end of a veth pair, with a unique local
# address and no link-local one (links cannot carry its interface).
case "${TANDEM_DISCOVERY_NETWORK:-}" in
  ipv6|dual)
    if ! ip link add tandem0 type veth peer name tandem1 2>/dev/null; then
      echo "1..0 # SKIP no veth here, for a network with IPv6"; exit 77
    fi
    for link in tandem0 tandem1; do
      echo 1 > /proc/sys/net/ipv6/conf/$link/addr_gen_mode
      ip link set $link up
    done
    ip -6 addr add "${TANDEM_TEST_IPV6:=fd54:616e::1}/64" dev tandem0 nodad
    export TANDEM_TEST_IPV6
    use_ipv4=no; use_ipv6=yes; interfaces=tandem0
    if [ "$TANDEM_DISCOVERY_NETWORK" = dual ]; then
      ip addr add "${TANDEM_TEST_IPV4:=10.54.0.1}/24" dev tandem0
      export TANDEM_TEST_IPV4
      use_ipv4=yes
    fi
    ;;
  *)
    use_ipv4=yes; use_ipv6=no; interfaces=lo
    ;;
esac
cat > "$dir/avahi.conf" <<CONF
[server]
use-ipv4=$use_ipv4
use-ipv6=$use_ipv6
allow-interfaces=$interfaces
enable-dbus=yes
ratelimit-interval-usec=0
[wide-area]
enable-wide-area=no
[publish]
publish-workstation=no
publish-hinfo=no
[reflector]
[rlimits]
CONF
# The pid file lives in /run/avahi-daemon: a private one in our mount namespace.
mkdir -p "$dir/run" /run/avahi-daemon
mount --bind "$dir/run" /run/avahi-daemon
avahi-daemon --no-drop-root --no-chroot --no-rlimits --no-proc-title -f "$dir/avahi.conf" \
  >"$dir/avahi.log" 2>&1 &
avahi_pid=$!

export TANDEM_TEST_AVAHI=1
status=0
"$@" || status=$?
if [ $status -ne 0 ]; then
  echo "# avahi-daemon log:"; sed 's/^/# /' "$dir/avahi.log"
fi
exit $status
