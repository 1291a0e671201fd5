// SPDX-License-Identifier: GPL-3.0-or-later
//
// The same edit workload against tandem-server, y-websocket or Hocuspocus.
//
//   node loadgen.mjs --target tandem --url http://127.0.0.1:PORT --admin-token T
//   node loadgen.mjs --target y-websocket|hocuspocus --url ws://127.0.0.1:PORT
//   node loadgen.mjs --target echo --url ws://127.0.0.1:PORT     (the floor)
//   options: --clients 8,32 --rates 500,2000,10000,20000 --seconds 6 --warmup 1.5
//            --label NAME --server-pid PID --json FILE
//
// Each round (one client count, one rate) opens fresh clients on a fresh
// session or document. The clients take turns (edit k is sent by client
// k mod N) at a total rate R; latency is from the sender's send to the
// moment the last of the N-1 other clients has the edit (Tandem: the batch
// received and parsed; Yjs: the update applied to its doc). Edits of the
// first --warmup seconds are sent but not measured.
//
// Every client lives in this one process, so the receive side costs the
// same for every server; the process's own CPU is printed so a round where
// the load generator, not the server, was the limit shows as such.

import fs from 'node:fs';
import WebSocket from 'ws';
import { openTandemFleet } from './tandem-fleet.mjs';
import { openYjsFleet } from './yjs-fleet.mjs';

function parseArgs(argv) {
  const opts = {
    target: null, url: null, adminToken: process.env.TANDEM_ADMIN_TOKEN || '',
    clients: [8, 32], rates: [500, 2000, 10000, 20000], seconds: 6, warmup: 1.5,
    label: null, serverPid: 0, json: null,
  };
  for (let i = 2; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (value === undefined)
      throw new Error(`${key} needs a value`);
    switch (key) {
    case '--target': opts.target = value; break;
    case '--url': opts.url = value; break;
    case '--admin-token': opts.adminToken = value; break;
    case '--clients': opts.clients = value.split(',').map(Number); break;
    case '--rates': opts.rates = value.split(',').map(Number); break;
    case '--seconds': opts.seconds = Number(value); break;
    case '--warmup': opts.warmup = Number(value); break;
    case '--label': opts.label = value; break;
    case '--server-pid': opts.serverPid = Number(value); break;
    case '--json': opts.json = value; break;
    default: throw new Error(`unknown option ${key}`);
    }
  }
  if (!['tandem', 'y-websocket', 'hocuspocus', 'echo'].includes(opts.target) || !opts.url)
    throw new Error('--target tandem|y-websocket|hocuspocus|echo and --url are required');
  opts.label ||= opts.target;
  return opts;
}

const now = () => performance.now();
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// CPU seconds a process has used so far (user + system), from /proc: the
// server's share of a round, next to ours.
function processCpu(pid) {
  if (!pid)
    return 0;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;   // utime, stime in USER_HZ
  } catch {
    return 0;
  }
}

function ownCpu() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function percentiles(values) {
  const sorted = Float64Array.from(values).sort();
  const at = q => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

// Sends edits on schedule (edit k at k/R seconds), from a 1 ms timer: a
// late timer sends what is due at once, so the offered rate holds even when
// this process is busy receiving.
function schedule(total, rate, send) {
  return new Promise(resolve => {
    const start = now();
    let k = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor((now() - start) * rate / 1000) + 1);
      while (k < due)
        send(k++);
      if (k < total)
        setTimeout(tick, 1);
      else
        resolve(now() - start);
    };
    tick();
  });
}

async function runRound(opts, clients, rate) {
  const total = Math.round(rate * opts.seconds);
  const warmEdits = Math.round(rate * opts.warmup);
  const perSender = Math.ceil(total / clients);
  // Per sender, per edit: when it went out and how many receivers still
  // lack it. Typed arrays: a 20,000/s round makes 120,000 edits.
  const sentAt = Array.from({ length: clients }, () => new Float64Array(perSender));
  const missing = Array.from({ length: clients }, () => new Int32Array(perSender));
  const latencies = [];
  let deliveries = 0;
  let windowDeliveries = 0;
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let lastProgress = now();

  const onDeliver = (sender, j) => {
    if (j < 0 || j >= perSender || missing[sender][j] <= 0)
      return;
    const t = now();
    deliveries++;
    lastProgress = t;
    if (t >= windowStart && t <= windowEnd)
      windowDeliveries++;
    if (--missing[sender][j] === 0 && j * clients + sender >= warmEdits)
      latencies.push(t - sentAt[sender][j]);
  };

  const fleet = opts.target === 'tandem'
    ? await openTandemFleet({ url: opts.url, adminToken: opts.adminToken, clients, onDeliver })
    : await openYjsFleet({ kind: opts.target, url: opts.url, clients, onDeliver });
  await sleep(200);   // let the joins' presence and awareness traffic settle

  const cpu0 = ownCpu();
  const server0 = processCpu(opts.serverPid);
  const start = now();
  windowStart = start + opts.warmup * 1000;
  windowEnd = start + opts.seconds * 1000;
  const sendMs = await schedule(total, rate, k => {
    const sender = k % clients;
    const j = Math.floor(k / clients);
    missing[sender][j] = clients - 1;
    sentAt[sender][j] = now();
    fleet.send(sender, j, k);
  });
  windowEnd = Math.min(windowEnd, start + sendMs);

  // Drain: wait for the stragglers, giving up once nothing has arrived for
  // 3 s (or after 20 s in all); what is still missing then was never delivered.
  const drainStart = now();
  while (deliveries < total * (clients - 1) && now() - lastProgress < 3000 && now() - drainStart < 20000)
    await sleep(20);
  const cpu = ownCpu() - cpu0;
  const serverCpu = processCpu(opts.serverPid) - server0;
  const elapsed = (now() - start) / 1000;

  let undelivered = 0;
  for (let s = 0; s < clients; s++)
    for (let j = 0; j < perSender; j++)
      if (missing[s][j] > 0)
        undelivered++;
  await fleet.close();

  return {
    server: opts.label, clients, rate, edits: total,
    sent_per_s: Math.round(total / (sendMs / 1000)),
    ...percentiles(latencies),
    measured: latencies.length,
    deliveries_per_s: Math.round(windowDeliveries / ((windowEnd - windowStart) / 1000)),
    undelivered, dropped: fleet.dropped, errors: fleet.errors,
    loadgen_cpu: +(cpu / elapsed).toFixed(2),
    server_cpu: opts.serverPid ? +(serverCpu / elapsed).toFixed(2) : null,
  };
}

// The floor: one client, one message in flight, to a bare ws echo server,
// at the calm rounds' pace, the message as long as a Tandem batch.
async function runEcho(opts, rate) {
  const batch = JSON.stringify({
    type: 'batch', seq: 123456, client: 'f'.repeat(32), cseq: 12345, time: Date.now(),
    ops: [{ op: 'set', kind: 'cell', id: 'p1', track: 't15', step: 63, prop: 'velocity', value: 127 }],
  });
  const ws = new WebSocket(opts.url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  const total = Math.round(rate * opts.seconds);
  const warm = Math.round(rate * opts.warmup);
  const latencies = [];
  let pendingSince = null;
  let index = 0;
  ws.on('message', () => {
    if (index++ >= warm)
      latencies.push(now() - pendingSince);
    pendingSince = null;
  });
  const cpu0 = ownCpu();
  const start = now();
  await schedule(total, rate, () => {
    // One in flight: a message due while the last is out waits its turn.
    if (pendingSince !== null)
      return;
    pendingSince = now();
    ws.send(batch);
  });
  await sleep(100);
  ws.close();
  return {
    server: opts.label, clients: 1, rate, edits: total, bytes: batch.length,
    ...percentiles(latencies), measured: latencies.length,
    loadgen_cpu: +((ownCpu() - cpu0) / ((now() - start) / 1000)).toFixed(2),
  };
}

function report(opts, result) {
  const f = x => Number.isFinite(x) ? x.toFixed(2) : '-';
  const errors = Object.entries(result.errors || {}).map(([k, v]) => `${k}×${v}`).join(' ');
  console.error(`${result.server.padEnd(14)} ${String(result.clients).padStart(2)} clients ` +
                `${String(result.rate).padStart(5)}/s  p50 ${f(result.p50)}  p99 ${f(result.p99)}  ` +
                `max ${f(result.max)} ms  ${result.deliveries_per_s ?? '-'} deliveries/s  ` +
                `undelivered ${result.undelivered ?? 0}  dropped ${result.dropped ?? 0}  ` +
                `cpu loadgen ${result.loadgen_cpu} server ${result.server_cpu ?? '-'}` +
                (errors ? `  errors ${errors}` : ''));
  if (opts.json)
    fs.appendFileSync(opts.json, JSON.stringify(result) + '\n');
}

const opts = parseArgs(process.argv);
if (opts.target === 'echo') {
  report(opts, await runEcho(opts, opts.rates[0]));
} else {
  for (const clients of opts.clients)
    for (const rate of opts.rates) {
      report(opts, await runRound(opts, clients, rate));
      await sleep(500);
    }
}
process.exit(0);
