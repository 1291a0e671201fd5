#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a test (argv) in a network namespace of its own, with loopback and a
# home network of its own, multicast on, so SSDP (UPnP discovery) works there
# and nothing it sends or finds is the machine's real network or router.
set -eu

if [ -z "${TANDEM_NETNS_INNER:-}" ]; then
  for tool in unshare ip; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "1..0 # SKIP $tool is not installed"; exit 77
    fi
  done
  # As root a network namespace; otherwise a user namespace maps us to root.
  if [ "$(id -u)" = 0 ]; then flags=-n; else flags=-rn; fi
  if ! unshare $flags true 2>/dev/null; then
    echo "1..0 # SKIP cannot make a network namespace here (unshare $flags)"; exit 77
  fi
  TANDEM_NETNS_INNER=1 exec unshare $flags "$0" "$@"
fi

ip link set lo up
ip link set lo multicast on
# A home network besides loopback: a veth pair, both ends here, the
# router's (10.77.0.1) and this computer's (10.77.0.2); multicast sent on one
# end arrives on the other.
if ip link add tandem-router type veth peer name tandem-host 2>/dev/null; then
  ip addr add 10.77.0.1/24 dev tandem-router
  ip addr add 10.77.0.2/24 dev tandem-host
  ip link set tandem-router up multicast on
  ip link set tandem-host up multicast on
  export TANDEM_TEST_ROUTER_IFACE=tandem-router
fi
# SSDP's group, which a namespace with no default route has no way to.
ip route add 239.0.0.0/8 dev lo 2>/dev/null || true

export TANDEM_TEST_NETNS=1
exec "$@"
