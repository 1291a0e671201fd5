// SPDX-License-Identifier: GPL-3.0-or-later
//
// N Tandem clients in one fresh session, speaking docs/protocol.md over a
// plain WebSocket: hello with an editor token, submit one set-cell op per
// batch with increasing cseq, and acknowledge what they receive (every 64
// batches and at least every 250 ms, as TandemSyncClient does, so the
// server's slow-consumer limit never fires on a healthy client).

import crypto from 'node:crypto';
import WebSocket from 'ws';

export const TRACKS = 16;
export const STEPS = 64;

// 16 tracks × 64 steps: 1024 distinct cells that the edits cycle through.
function benchProject() {
  const tracks = [];
  for (let t = 0; t < TRACKS; t++)
    tracks.push({ id: `t${t}`, name: `Track ${t + 1}`, instrument: 'kick' });
  return {
    name: 'Peers benchmark',
    tracks,
    patterns: [{ id: 'p1', name: 'Pattern 1', length: 64 }],
    'current-pattern': 'p1',
  };
}

async function createSession(httpUrl, adminToken) {
  const res = await fetch(new URL('/sessions', httpUrl), {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ project: benchProject() }),
  });
  if (res.status !== 201)
    throw new Error(`POST /sessions: HTTP ${res.status} ${await res.text()}`);
  const body = await res.json();
  const editor = new URL(body.ws.editor);
  return {
    id: body.id,
    token: editor.searchParams.get('token'),
    // The token travels in the hello, never in the URL (docs/protocol.md).
    wsUrl: `${editor.protocol}//${editor.host}${editor.pathname}`,
  };
}

function now() {
  return performance.now();
}

export async function openTandemFleet({ url, adminToken, clients, onDeliver }) {
  const session = await createSession(url, adminToken);
  const fleet = {
    dropped: 0,
    errors: {},
    acked: 0,
    sockets: [],
    closing: false,
  };
  const indexOf = new Map();
  const countError = code => { fleet.errors[code] = (fleet.errors[code] || 0) + 1; };

  const joins = [];
  for (let i = 0; i < clients; i++) {
    const id = crypto.randomBytes(16).toString('hex');
    indexOf.set(id, i);
    const ws = new WebSocket(session.wsUrl, 'tandem.v1', { perMessageDeflate: false });
    const peer = { ws, lastSeq: 0, ackedSeq: 0, sinceAck: 0 };
    fleet.sockets.push(peer);

    const ack = () => {
      if (peer.lastSeq > peer.ackedSeq && ws.readyState === WebSocket.OPEN) {
        ws.send(`{"type":"ack","seq":${peer.lastSeq}}`);
        peer.ackedSeq = peer.lastSeq;
        peer.sinceAck = 0;
      }
    };

    joins.push(new Promise((resolve, reject) => {
      ws.on('open', () => {
        ws.send(JSON.stringify({
          type: 'hello', version: 1, session: session.id, token: session.token,
          client: id, secret: crypto.randomBytes(32).toString('base64'), name: `bench ${i + 1}`,
        }));
      });
      ws.on('message', data => {
        // "Received and parsed" is the moment an edit counts as delivered:
        // the same point TandemSyncClient reaches before it applies a batch.
        const msg = JSON.parse(data);
        switch (msg.type) {
        case 'batch': {
          peer.lastSeq = msg.seq;
          const sender = indexOf.get(msg.client);
          if (sender === i)
            fleet.acked++;
          else if (sender !== undefined)
            onDeliver(sender, msg.cseq - 1, i);
          if (++peer.sinceAck >= 64)
            ack();
          break;
        }
        case 'welcome':
          peer.lastSeq = msg.seq;
          peer.ackTimer = setInterval(ack, 250);
          // A ping every 2 s keeps the connection out of the idle timeout.
          peer.pingTimer = setInterval(() => {
            if (ws.readyState === WebSocket.OPEN)
              ws.send(`{"type":"ping","t":${Math.round(now() * 1000)},"seq":${peer.lastSeq}}`);
          }, 2000);
          resolve();
          break;
        case 'reject':
        case 'error':
          countError(msg.code);
          break;
        default:
          break;   // presence, pong, leave
        }
      });
      ws.on('close', code => {
        clearInterval(peer.ackTimer);
        clearInterval(peer.pingTimer);
        if (!fleet.closing) {
          fleet.dropped++;
          countError(`close-${code}`);
        }
        reject(new Error(`closed with ${code} before the welcome`));
      });
      ws.on('error', err => {
        countError('socket-error');
        reject(err);
      });
    }));
  }
  await Promise.all(joins);

  // Edit j of a client is cseq j + 1; the cell follows the global edit
  // number, so consecutive edits never touch the same cell.
  fleet.send = (sender, j, edit) => {
    const cell = edit % (TRACKS * STEPS);
    const op = `{"op":"set","kind":"cell","id":"p1","track":"t${cell >> 6}","step":${cell & 63},` +
               `"prop":"velocity","value":${(edit % 127) + 1}}`;
    fleet.sockets[sender].ws.send(`{"type":"submit","cseq":${j + 1},"ops":[${op}]}`);
  };

  fleet.close = async () => {
    fleet.closing = true;
    await Promise.all(fleet.sockets.map(({ ws }) => new Promise(resolve => {
      if (ws.readyState === WebSocket.CLOSED)
        return resolve();
      ws.once('close', resolve);
      ws.send('{"type":"leave"}');
      setTimeout(() => ws.terminate(), 2000);
    })));
  };
  return fleet;
}
