/** Graph's directory surface (filled in by the Directory node's work). */
import type { Emulator } from '../emulator';
import type { GraphService } from './service';

export function registerDirectory(graph: GraphService, emulator: Emulator): void {
	void graph;
	void emulator;
}
