/**
 * A simulated clock for the Teams pacer (nodes/shared/transport/pacing.ts) and the emulator's
 * posting limiter: time moves only when `drive` finds nothing in flight and someone waiting, and
 * then jumps to the earliest wake-up. Nothing sleeps; a test reads the simulated time taken.
 */
import type { PacingClock } from '../../nodes/shared/transport';

interface Waiter {
	at: number;
	resolve: () => void;
}

export class SimulatedClock implements PacingClock {
	private t: number;
	private waiters: Waiter[] = [];
	/** Jumps made (each to the earliest waiter). */
	jumps = 0;

	constructor(start = Date.UTC(2026, 11, 4, 12)) {
		this.t = start;
	}

	now(): number {
		return this.t;
	}

	sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
		if (at <= this.t) return Promise.resolve();
		return new Promise<void>((resolve, reject) => {
			const waiter = { at, resolve };
			this.waiters.push(waiter);
			signal?.addEventListener(
				'abort',
				() => {
					this.waiters = this.waiters.filter((w) => w !== waiter);
					reject(signal.reason);
				},
				{ once: true },
			);
		});
	}

	/** Moves time forward by `ms`, waking whoever is due. */
	advance(ms: number): void {
		this.t += ms;
		this.wake();
	}

	/** Jumps to the earliest waiter and wakes everyone due; false when nobody waits. */
	jumpToNext(): boolean {
		if (this.waiters.length === 0) return false;
		this.t = Math.max(this.t, Math.min(...this.waiters.map((w) => w.at)));
		this.jumps += 1;
		this.wake();
		return true;
	}

	private wake(): void {
		const due = this.waiters.filter((w) => w.at <= this.t);
		this.waiters = this.waiters.filter((w) => w.at > this.t);
		for (const w of due) w.resolve();
	}

	/**
	 * Moves time whenever `idle()` (e.g. no paced request in flight) and someone waits, checking
	 * once per real macrotask. Returns the function that stops it.
	 */
	drive(idle: () => boolean): () => void {
		let stopped = false;
		const tick = () => {
			if (stopped) return;
			if (idle()) this.jumpToNext();
			setTimeout(tick, 0);
		};
		setTimeout(tick, 0);
		return () => {
			stopped = true;
		};
	}
}
