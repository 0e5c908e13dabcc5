// Preloaded into a node server the end-to-end tests start on port 0 (NODE_OPTIONS=--require this file): prints
// "MCPGUARD-TEST LISTENING <port>" on stderr once a TCP server of the process listens, so the test learns the port
// the server really bound. Servers it cannot change (server-everything, supergateway, the conformance fixture) print
// the port they were given, which is 0.
'use strict';
const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  this.once('listening', () => {
    const address = this.address();
    if (address !== null && typeof address === 'object') {
      process.stderr.write(`MCPGUARD-TEST LISTENING ${address.port}\n`);
    }
  });
  return listen.apply(this, args);
};
