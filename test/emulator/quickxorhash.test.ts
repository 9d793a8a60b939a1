import { QuickXorHash } from './quickxorhash';

describe("the emulator's QuickXorHash", () => {
	// Vectors: "hello world" from the quickxorhash package's documentation
	// (https://pypi.org/project/quickxorhash), the others from rclone's quickxorhash tests
	// (base64 input -> base64 hash).
	const vectors: [Buffer, string][] = [
		[Buffer.from('hello world'), 'aCgDG9jwBhDc4Q1yawMZAAAAAAA='],
		[Buffer.alloc(0), 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
		[Buffer.from('Sg==', 'base64'), 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
		[Buffer.from('2fuxhBJXtpWFe8dOfdGeHw==', 'base64'), 'O9tHLAghgSvYohKFyMMxnNCHaHg='],
	];

	it.each(vectors)('hashes known vector %#', (data, expected) => {
		expect(new QuickXorHash().update(data).digestBase64()).toBe(expected);
		const pieces = new QuickXorHash();
		for (let i = 0; i < data.length; i += 3) pieces.update(data.subarray(i, i + 3));
		expect(pieces.digestBase64()).toBe(expected);
	});

	it('continues from a copy', () => {
		const big = Buffer.alloc(1000, 0).map((_, i) => (i * 37) & 0xff);
		const a = new QuickXorHash().update(big.subarray(0, 333));
		expect(a.copy().update(big.subarray(333)).digestBase64()).toBe(
			new QuickXorHash().update(big).digestBase64(),
		);
	});
});
