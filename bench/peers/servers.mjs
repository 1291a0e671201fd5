// SPDX-License-Identifier: GPL-3.0-or-later
//
// The peers' servers as loadgen.mjs meets them, each on 127.0.0.1 and a
// free port (printed as "listening on port N", like tandem-server does):
//
//   node servers.mjs y-websocket   the reference server of y-websocket
//                                  (@y/websocket-server's setupWSConnection,
//                                  exactly what its bin runs)
//   node servers.mjs hocuspocus    a Hocuspocus Server with no extensions
//   node servers.mjs echo          a bare `ws` echo server: the floor
//
// Neither peer persists anything here: y-websocket only writes to LevelDB
// when YPERSISTENCE is set (we unset it), and a Hocuspocus server without
// a database extension keeps documents in memory only.

import http from 'node:http';
import { WebSocketServer } from 'ws';

const kind = process.argv[2];

function listen(server) {
  // Port 0 on loopback: run.sh starts every server side by side.
  server.listen({ port: 0, host: '127.0.0.1' }, () => {
    console.log(`${kind} listening on port ${server.address().port}`);
  });
}

function plainHttp() {
  return http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('okay');
  });
}

if (kind === 'y-websocket') {
  delete process.env.YPERSISTENCE;
  const { setupWSConnection } = await import('@y/websocket-server/utils');
  const wss = new WebSocketServer({ noServer: true });
  const server = plainHttp();
  wss.on('connection', setupWSConnection);
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, ws => wss.emit('connection', ws, req));
  });
  listen(server);
} else if (kind === 'hocuspocus') {
  const { Server } = await import('@hocuspocus/server');
  // Server.listen() ignores the bind address in this version (it passes
  // `address`, which node:net does not know), so we listen its HTTP server
  // ourselves; the upgrade and connection handling stay Hocuspocus's own.
  const hocuspocus = new Server({ quiet: true, stopOnSignals: false });
  listen(hocuspocus.httpServer);
} else if (kind === 'echo') {
  const wss = new WebSocketServer({ noServer: true });
  const server = plainHttp();
  wss.on('connection', ws => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, ws => wss.emit('connection', ws, req));
  });
  listen(server);
} else {
  console.error('usage: node servers.mjs y-websocket|hocuspocus|echo');
  process.exit(2);
}
