import { CALENDAR_SCENARIOS } from './calendar';
import { sendAttachments, sendMail, sendWithFaults } from './mail';
import { postTeams, postTeamsChannels } from './teams';
import { upload1g, upload200 } from './upload';
import { readUsers } from './users';
import type { Scenario } from './types';

/** In the order they run (the token row is computed from the app-only runs of all of them). */
export const SCENARIOS: Scenario[] = [
	sendMail,
	sendWithFaults,
	sendAttachments,
	upload200,
	upload1g,
	readUsers,
	postTeams,
	postTeamsChannels,
	...CALENDAR_SCENARIOS,
];
