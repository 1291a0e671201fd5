#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/peers/run.sh [TANDEM-SERVER] — the same edit workload (loadgen.mjs)
# against tandem-server, y-websocket and Hocuspocus, one after another in
# one run, then one table. Builds nothing of Tandem: pass the tandem-server
# to use, or it takes build/src/server/tandem-server
# (meson compile -C build src/server/tandem-server).
#
# Environment: CLIENTS (8,32), RATES (500,2000,10000,20000), ROUND_SECONDS (6),
# WARMUP (1.5), OUT (a directory to keep results.jsonl and the servers' logs).
#
# Variants, each its own server process on 127.0.0.1 and a free port:
#   tandem          --data-dir on the disk, every batch fdatasync'ed (the default)
#   tandem-shm      the same with the data dir on /dev/shm: the disk's share
#   tandem-nodelay  as "tandem", with TCP_NODELAY set on its sockets through
#                   nodelay-shim.c (LD_PRELOAD; skipped without a C compiler)
#   y-websocket     @y/websocket-server, in memory (YPERSISTENCE unset)
#   hocuspocus      @hocuspocus/server with no extensions: in memory only
# Neither peer persists anything; tandem-server journals every batch.
# tandem-server runs with --max-ops-per-second 100000 (its per-client limit
# is 200 edits/s by default) so that the limit is not what the high-rate
# rounds measure; every other limit is the default.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
server=$(readlink -f "${1:-$root/build/src/server/tandem-server}")
[ -x "$server" ] || { echo "run.sh: no tandem-server at $server" >&2; exit 1; }
command -v node >/dev/null || { echo "run.sh: needs Node.js 20 or later" >&2; exit 1; }
[ -d "$here/node_modules" ] || (cd "$here" && npm ci --no-audit --no-fund)

CLIENTS=${CLIENTS:-8,32}
RATES=${RATES:-500,2000,10000,20000}
SECONDS_PER_ROUND=${ROUND_SECONDS:-6}
WARMUP=${WARMUP:-1.5}
out=${OUT:-$(mktemp -d /tmp/tandem-peers.XXXXXX)}
mkdir -p "$out"
disk=$(mktemp -d "$out/disk.XXXXXX")
shm=$(mktemp -d /dev/shm/tandem-peers.XXXXXX)
results=$out/results.jsonl
: >"$results"
admin_token=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')

pids=()
cleanup () {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$shm" "$disk"
}
trap cleanup EXIT

# start NAME CMD… — runs CMD in the background and waits for its
# "listening on port N" line; sets PORT and PID.
start () {
  local name=$1
  shift
  "$@" >"$out/$name.out" 2>"$out/$name.log" &
  PID=$!
  pids+=("$PID")
  for _ in $(seq 200); do
    PORT=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$out/$name.out")
    [ -n "$PORT" ] && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "run.sh: $name did not start:" >&2
  cat "$out/$name.log" >&2
  exit 1
}

stop () {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

tandem () {
  local name=$1 dir=$2
  shift 2
  start "$name" "$@" "$server" --bind 127.0.0.1 --port 0 --data-dir "$dir" \
    --admin-token "$admin_token" --max-ops-per-second 100000
}

rounds () {
  local name=$1 target=$2 url=$3 pid=$4
  node "$here/loadgen.mjs" --target "$target" --url "$url" --label "$name" \
    --admin-token "$admin_token" --clients "$CLIENTS" --rates "$RATES" \
    --seconds "$SECONDS_PER_ROUND" --warmup "$WARMUP" --server-pid "$pid" --json "$results"
  stop "$pid"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/loadavg"
echo "tandem-server: $server; node $(node --version); $(nproc) cores"

start echo node "$here/servers.mjs" echo
node "$here/loadgen.mjs" --target echo --url "ws://127.0.0.1:$PORT" --rates 500 \
  --seconds "$SECONDS_PER_ROUND" --warmup "$WARMUP" --json "$results"
stop "$PID"

tandem tandem "$disk/data"
rounds tandem tandem "http://127.0.0.1:$PORT" "$PID"

start y-websocket env -u YPERSISTENCE node "$here/servers.mjs" y-websocket
rounds y-websocket y-websocket "ws://127.0.0.1:$PORT" "$PID"

start hocuspocus node "$here/servers.mjs" hocuspocus
rounds hocuspocus hocuspocus "ws://127.0.0.1:$PORT" "$PID"

tandem tandem-shm "$shm/data"
rounds tandem-shm tandem "http://127.0.0.1:$PORT" "$PID"

if cc -O2 -shared -fPIC -o "$out/nodelay-shim.so" "$here/nodelay-shim.c" -ldl 2>"$out/shim.log"; then
  tandem tandem-nodelay "$disk/data-nodelay" env LD_PRELOAD="$out/nodelay-shim.so"
  rounds tandem-nodelay tandem "http://127.0.0.1:$PORT" "$PID"
else
  echo "run.sh: no C compiler, tandem-nodelay skipped" >&2
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/loadavg"
echo
node "$here/table.mjs" "$results" | tee "$out/table.md"
echo "results in $out"
