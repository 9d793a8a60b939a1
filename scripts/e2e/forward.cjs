/**
 * A TCP forwarder: `node forward.cjs LISTEN_HOST LISTEN_PORT:TARGET_PORT...` passes every
 * connection to 127.0.0.1:TARGET_PORT unchanged (TLS included: the client's SNI and Host header reach the
 * emulator as sent). Used to put the emulator on port 443 of a loopback address of its own
 * (127.x.y.z), so that Microsoft's host names can map to it without taking 127.0.0.1:443, and
 * several stacks (tests, benchmarks) can each have one; 587 → the emulator's SMTP endpoint.
 */
'use strict';
const net = require('node:net');

const [host, ...pairs] = process.argv.slice(2);
let listening = 0;
for (const pair of pairs) {
	const [port, target] = pair.split(':').map(Number);
	const server = net.createServer((client) => {
		const upstream = net.connect(target, '127.0.0.1');
		client.pipe(upstream).pipe(client);
		const close = () => {
			client.destroy();
			upstream.destroy();
		};
		client.on('error', close);
		upstream.on('error', close);
		client.on('close', close);
		upstream.on('close', close);
	});
	server.listen(port, host, () => {
		if (++listening === pairs.length) console.log(`forwarding ${host} ${pairs.join(' ')}`);
	});
	server.on('error', (error) => {
		console.error(`forward: ${host}:${port}: ${error.message}`);
		process.exit(1);
	});
}
process.on('SIGTERM', () => process.exit(0));
