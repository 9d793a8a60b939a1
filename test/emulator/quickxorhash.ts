/**
 * The emulator's own QuickXorHash (the `quickXorHash` of driveItem `file.hashes`), written from
 * Microsoft's description of the algorithm, not from the package's code:
 * https://learn.microsoft.com/en-us/onedrive/developer/code-snippets/quickxorhash
 *
 *   block = 160 bits; XorHash0(rgb): ret ^= rotate(extend8(rgb[i]), i * 11) for every byte,
 *   then reverse(ret); XorHash(rgb) = extend64(rgb.Length) xor XorHash0(rgb). In bytes (as the
 *   page's C# sample lays them out): byte i of the 20-byte digest holds bits 8i..8i+7 of the
 *   shifted XOR, and the length, 8 bytes little-endian, is XORed into the last 8 bytes
 *   (12..19). Graph sends the digest base64-encoded.
 *
 * Bit position p of the block lives in byte p >> 3; a byte placed at bit offset `o` spans byte
 * o >> 3 and, unless o is a multiple of 8, the next byte (wrapping at 20). As XOR commutes,
 * the bytes are first folded into 160 lanes (one per offset) and placed once at the end.
 */
const WIDTH_BITS = 160;
const WIDTH_BYTES = WIDTH_BITS / 8;
const SHIFT = 11;
/** Byte i lands at bit offset (i * 11) mod 160, which repeats every 160 bytes (160 * 11 = 11 * 160). */
const LANES = WIDTH_BITS;

export class QuickXorHash {
	/** lanes[k]: XOR of every byte whose index is k mod 160 (all land at the same bit offset). */
	private lanes = new Uint8Array(LANES);
	private length = 0n;
	/** The lane of the next byte (bytes hashed so far, mod 160). */
	private lane = 0;

	update(data: Uint8Array): this {
		const lanes = this.lanes;
		let lane = this.lane;
		let i = 0;
		const n = data.length;
		// finish the current round of 160, then whole rounds, then the tail
		while (i < n && lane !== 0) {
			lanes[lane] ^= data[i++];
			lane = lane + 1 === LANES ? 0 : lane + 1;
		}
		// Whole rounds of 160 bytes, 4 bytes at a time where the data is 4-byte aligned (XOR works
		// the same on a word as on its 4 bytes, whatever the byte order).
		if (((data.byteOffset + i) & 3) === 0 && n - i >= LANES) {
			const rounds = Math.floor((n - i) / LANES);
			const words = new Uint32Array(data.buffer, data.byteOffset + i, (rounds * LANES) >> 2);
			const acc = new Uint32Array(lanes.buffer, lanes.byteOffset, LANES >> 2);
			for (let w = 0; w < words.length; w += 40)
				for (let k = 0; k < 40; k++) acc[k] ^= words[w + k];
			i += rounds * LANES;
		}
		for (; i + LANES <= n; i += LANES) for (let k = 0; k < LANES; k++) lanes[k] ^= data[i + k];
		while (i < n) lanes[lane++] ^= data[i++];
		this.lane = lane === LANES ? 0 : lane;
		this.length += BigInt(n);
		return this;
	}

	copy(): QuickXorHash {
		const c = new QuickXorHash();
		c.lanes = this.lanes.slice();
		c.length = this.length;
		c.lane = this.lane;
		return c;
	}

	digest(): Buffer {
		const out = Buffer.alloc(WIDTH_BYTES);
		for (let k = 0; k < LANES; k++) {
			const byte = this.lanes[k];
			if (byte === 0) continue;
			const offset = (k * SHIFT) % WIDTH_BITS;
			const index = offset >> 3;
			const bit = offset & 7;
			out[index] ^= (byte << bit) & 0xff;
			if (bit !== 0) out[(index + 1) % WIDTH_BYTES] ^= byte >> (8 - bit);
		}
		let len = this.length;
		for (let i = WIDTH_BYTES - 8; i < WIDTH_BYTES; i++) {
			out[i] ^= Number(len & 0xffn);
			len >>= 8n;
		}
		return out;
	}

	digestBase64(): string {
		return this.digest().toString('base64');
	}
}
