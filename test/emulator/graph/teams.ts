/** Graph's teams surface (filled in by the Teams node's work). */
import type { Emulator } from '../emulator';
import type { GraphService } from './service';

export function registerTeams(graph: GraphService, emulator: Emulator): void {
	void graph;
	void emulator;
}
