// SPDX-License-Identifier: GPL-3.0-or-later
//
// N Yjs clients on one fresh shared document, each a Y.Doc behind the
// peer's own provider (y-websocket's WebsocketProvider or Hocuspocus's
// HocuspocusProvider), so the client side is what their users run.
// An edit is a Y.Map set of one cell.
//
// Which edit reached which doc is read from the transaction's state vectors:
// a sender's doc makes nothing but these sets, one Yjs item each, so its
// j-th edit is its clock j, and a remote transaction that moves a client's
// clock from a to b has applied exactly its edits a … b-1. That counts an
// edit as applied even when a concurrent set on the same cell won the
// last-writer race and left nothing visible.

import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { TRACKS, STEPS } from './tandem-fleet.mjs';

let roundNumber = 0;

// Every WebsocketProvider adds a process 'exit' listener; 32 of them are
// expected here, not a leak.
process.setMaxListeners(0);

function connect(kind, url, docName, doc) {
  if (kind === 'y-websocket') {
    // disableBc: clients in one process would otherwise share edits over a
    // BroadcastChannel and bypass the server.
    const provider = new WebsocketProvider(url, docName, doc,
                                           { WebSocketPolyfill: WebSocket, disableBc: true });
    return {
      provider,
      synced: new Promise(resolve => provider.on('sync', ok => ok && resolve())),
      onDrop: cb => provider.on('connection-close', cb),
      close: () => provider.destroy(),
    };
  }
  const provider = new HocuspocusProvider({ url, name: docName, document: doc,
                                            WebSocketPolyfill: WebSocket });
  return {
    provider,
    synced: new Promise(resolve => provider.on('synced', ({ state }) => state && resolve())),
    onDrop: cb => provider.on('disconnect', cb),
    close: () => provider.destroy(),
  };
}

export async function openYjsFleet({ kind, url, clients, onDeliver }) {
  const docName = `bench-${process.pid}-${++roundNumber}`;
  const fleet = { dropped: 0, errors: {}, closing: false, members: [] };
  const senderOf = new Map();   // Yjs clientID → client index

  for (let i = 0; i < clients; i++) {
    const doc = new Y.Doc();
    senderOf.set(doc.clientID, i);
    const cells = doc.getMap('cells');
    doc.on('afterTransaction', tr => {
      if (tr.local)
        return;
      for (const [cid, after] of tr.afterState) {
        const before = tr.beforeState.get(cid) || 0;
        const sender = senderOf.get(cid);
        if (sender === undefined || sender === i)
          continue;
        for (let j = before; j < after; j++)
          onDeliver(sender, j, i);
      }
    });
    const member = connect(kind, url, docName, doc);
    member.doc = doc;
    member.cells = cells;
    member.onDrop(() => {
      if (!fleet.closing) {
        fleet.dropped++;
        fleet.errors.disconnected = (fleet.errors.disconnected || 0) + 1;
      }
    });
    fleet.members.push(member);
  }
  await Promise.all(fleet.members.map(m => m.synced));

  fleet.send = (sender, _j, edit) => {
    const cell = edit % (TRACKS * STEPS);
    fleet.members[sender].cells.set(`t${cell >> 6}:${cell & 63}`, (edit % 127) + 1);
  };
  fleet.close = async () => {
    fleet.closing = true;
    for (const m of fleet.members)
      m.close();
  };
  return fleet;
}
