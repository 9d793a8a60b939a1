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
 * o >> 3 and, unless o is a multiple of 8, the next byte (wrapping at 20).
 */
const WIDTH_BITS = 160;
const WIDTH_BYTES = WIDTH_BITS / 8;
const SHIFT = 11;

export class QuickXorHash {
	private state = new Uint8Array(WIDTH_BYTES);
	private length = 0n;
	/** (number of bytes hashed so far * 11) mod 160: where the next byte goes. */
	private offset = 0;

	update(data: Uint8Array): this {
		const state = this.state;
		let offset = this.offset;
		for (let i = 0; i < data.length; i++) {
			const byte = data[i];
			const index = offset >> 3;
			const bit = offset & 7;
			state[index] ^= (byte << bit) & 0xff;
			if (bit !== 0) state[(index + 1) % WIDTH_BYTES] ^= byte >> (8 - bit);
			offset += SHIFT;
			if (offset >= WIDTH_BITS) offset -= WIDTH_BITS;
		}
		this.offset = offset;
		this.length += BigInt(data.length);
		return this;
	}

	copy(): QuickXorHash {
		const c = new QuickXorHash();
		c.state = this.state.slice();
		c.length = this.length;
		c.offset = this.offset;
		return c;
	}

	digest(): Buffer {
		const out = Buffer.from(this.state);
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
