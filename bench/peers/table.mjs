// SPDX-License-Identifier: GPL-3.0-or-later
//
// node table.mjs RESULTS.jsonl — the rounds of one run.sh as Markdown tables:
// latency (p50 / p99 / max, ms) and delivery (deliveries/s, edits never
// delivered, clients the server dropped), one row per client count and
// rate, one column per server. A round where the load generator used 90 %
// of a core or more is marked ‡: there, its single thread is (part of) what
// was measured, not only the server.

import fs from 'node:fs';

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
const results = lines.map(line => JSON.parse(line));
const rounds = results.filter(r => r.server !== 'echo');
const servers = [...new Set(rounds.map(r => r.server))];
const keys = [...new Set(rounds.map(r => `${r.clients}:${r.rate}`))];
const find = (server, key) => rounds.find(r => r.server === server && `${r.clients}:${r.rate}` === key);
const ms = x => x == null || !Number.isFinite(x) ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1);
const k = x => x >= 10000 ? `${Math.round(x / 1000)} k` : x >= 1000 ? `${(x / 1000).toFixed(1)} k` : `${x}`;

function table(title, cell) {
  console.log(`${title}\n`);
  console.log(`| clients, edits/s | ${servers.join(' | ')} |`);
  console.log(`|---|${servers.map(() => '---').join('|')}|`);
  for (const key of keys) {
    const [clients, rate] = key.split(':');
    console.log(`| ${clients}, ${rate} | ${servers.map(s => { const r = find(s, key); return r ? cell(r) : ''; }).join(' | ')} |`);
  }
  console.log();
}

for (const echo of results.filter(r => r.server === 'echo'))
  console.log(`Raw WebSocket floor (ws echo, ${echo.bytes}-byte messages, ${echo.rate}/s, one in flight): ` +
              `p50 ${ms(echo.p50)} / p99 ${ms(echo.p99)} / max ${ms(echo.max)} ms\n`);
const busy = r => r.loadgen_cpu >= 0.9 ? ' ‡' : '';
table('Edit → every other client, p50 / p99 / max (ms); ‡: load generator ≥ 0.9 core',
      r => `${ms(r.p50)} / ${ms(r.p99)} / ${ms(r.max)}${busy(r)}`);
table('Deliveries/s · edits never delivered · clients dropped',
      r => `${k(r.deliveries_per_s)} · ${r.undelivered} · ${r.dropped}`);
table('CPU (cores busy): server · load generator', r => `${r.server_cpu ?? '–'} · ${r.loadgen_cpu}`);
const errors = rounds.filter(r => Object.keys(r.errors || {}).length);
if (errors.length) {
  console.log('Errors:\n');
  for (const r of errors)
    console.log(`- ${r.server}, ${r.clients} clients, ${r.rate}/s: ` +
                Object.entries(r.errors).map(([code, n]) => `${code} × ${n}`).join(', '));
  console.log();
}
