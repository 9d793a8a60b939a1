/**
 * A stalled download ends after an idle timeout with a clear error (issue "Trust", item 2): a
 * local HTTPS server that sends the headers and part of the body, then nothing. A slow reader is
 * not a stall: the clock runs only while the reader waits for data.
 */
import { createServer } from 'node:https';
import { Readable } from 'node:stream';
import { GraphTransport } from '../../nodes/shared/transport';
import { withIdleTimeout } from '../../nodes/shared/transport/transport';
import { useEmulator } from '../helpers/emulator';
import { issueServerCertificate, loadOrCreateCa } from '../emulator/tls';
import { emulatorProvider, NODE } from './helpers';

const emulator = useEmulator();

test('a download that stops sending ends with a "stalled" error after the idle timeout', async () => {
	const emu = emulator();
	const cert = issueServerCertificate(loadOrCreateCa(), ['localhost']);
	const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (_req, res) => {
		res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '1000000' });
		res.write(Buffer.alloc(1000, 1)); // then nothing
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const transport = new GraphTransport(NODE, emulatorProvider(emu, 'application'), {
			idleTimeoutMs: 300,
		});
		const response = await transport.sendUnauthenticated<Readable>({
			method: 'GET',
			effect: 'read',
			url: `https://localhost:${(server.address() as { port: number }).port}/download`,
			responseType: 'stream',
		});
		let received = 0;
		const error = await new Promise<Error>((resolve, reject) => {
			response.body.on('data', (c: Buffer) => (received += c.length));
			response.body.on('error', resolve);
			response.body.on('end', () => reject(new Error('ended')));
		});
		expect(received).toBe(1000);
		expect(error.message).toMatch(/The download of GET \/download stalled: no data for 0 s/);
	} finally {
		server.closeAllConnections();
		server.close();
	}
});

test('a slow reader is not a stall', async () => {
	const source = Readable.from(
		(async function* () {
			for (let i = 0; i < 5; i++) yield Buffer.alloc(64 * 1024, i);
		})(),
	);
	const stream = withIdleTimeout(source, 100, 'x');
	const chunks: Buffer[] = [];
	const started = Date.now();
	for await (const chunk of stream) {
		chunks.push(chunk as Buffer);
		await new Promise((r) => setTimeout(r, 250)); // the reader takes longer than the idle timeout
	}
	// Back pressure held the source several times for longer than the idle timeout.
	expect(chunks.length).toBeGreaterThanOrEqual(3);
	expect(Date.now() - started).toBeGreaterThanOrEqual(700);
	expect(Buffer.concat(chunks).length).toBe(5 * 64 * 1024);
});
