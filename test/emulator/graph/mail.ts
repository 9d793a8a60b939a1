/** Graph's mail surface (filled in by the Mail node's work). */
import type { Emulator } from '../emulator';
import type { GraphService } from './service';

export function registerMail(graph: GraphService, emulator: Emulator): void {
	void graph;
	void emulator;
}
