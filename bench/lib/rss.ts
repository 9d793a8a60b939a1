/**
 * Peak resident memory of a process tree (n8n's main process and its task runners), sampled
 * from /proc/<pid>/status. The main process's kernel high-water mark (VmHWM) is reset before a
 * run (`echo 5 > /proc/<pid>/clear_refs`, Linux, needs the process's owner or root) and read
 * after it, so a spike between two samples is not missed.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

function status(pid: number): Record<string, number> {
	const out: Record<string, number> = {};
	try {
		for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
			const m = /^(VmRSS|VmHWM|PPid):\s+(\d+)/.exec(line);
			if (m) out[m[1]] = Number(m[2]);
		}
	} catch {
		// the process ended
	}
	return out;
}

/** The pid and all its descendants. */
export function processTree(root: number): number[] {
	const children = new Map<number, number[]>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const ppid = status(Number(entry)).PPid;
		if (ppid === undefined) continue;
		const list = children.get(ppid) ?? [];
		list.push(Number(entry));
		children.set(ppid, list);
	}
	const out: number[] = [];
	const walk = (pid: number) => {
		out.push(pid);
		for (const child of children.get(pid) ?? []) walk(child);
	};
	walk(root);
	return out;
}

const KIB = 1024;

/** Tree RSS in bytes. */
export function treeRss(pids: number[]): number {
	return pids.reduce((sum, pid) => sum + (status(pid).VmRSS ?? 0) * KIB, 0);
}

export interface RssResult {
	/** Tree RSS before the run (bytes). */
	baseline: number;
	/** Highest tree RSS seen (bytes): samples, and the main process's high-water mark. */
	peak: number;
	growth: number;
}

export class RssSampler {
	private timer?: NodeJS.Timeout;
	private pids: number[] = [];
	private baseline = 0;
	private mainBaseline = 0;
	private peak = 0;
	private hwmReset = false;

	constructor(
		private readonly root: number,
		private readonly intervalMs = 100,
	) {}

	start(): void {
		this.pids = processTree(this.root);
		this.baseline = treeRss(this.pids);
		this.mainBaseline = (status(this.root).VmRSS ?? 0) * KIB;
		this.peak = this.baseline;
		try {
			writeFileSync(`/proc/${this.root}/clear_refs`, '5');
			this.hwmReset = true;
		} catch {
			this.hwmReset = false;
		}
		let ticks = 0;
		this.timer = setInterval(() => {
			// Task runners come and go: refresh the tree now and then.
			if (++ticks % 10 === 0) this.pids = processTree(this.root);
			this.peak = Math.max(this.peak, treeRss(this.pids));
		}, this.intervalMs);
		this.timer.unref();
	}

	stop(): RssResult {
		if (this.timer) clearInterval(this.timer);
		this.peak = Math.max(this.peak, treeRss(this.pids));
		if (this.hwmReset) {
			const hwm = (status(this.root).VmHWM ?? 0) * KIB;
			// The main process's peak plus what the other processes held at the sampled peak.
			const others = this.baseline - this.mainBaseline;
			this.peak = Math.max(this.peak, hwm + Math.max(0, others));
		}
		return { baseline: this.baseline, peak: this.peak, growth: this.peak - this.baseline };
	}
}
