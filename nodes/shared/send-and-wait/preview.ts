/**
 * Link previews and crawlers must never answer: Teams and Outlook fetch a link to show its
 * preview (Teams' preview service sends no user agent when a message is posted), mail scanners
 * and chat apps unfurl links. n8n's own Send and Wait ignores such requests for approvals
 * (`isbot` and `isMicrosoftPreviewService`); this is the same check without the `isbot`
 * dependency: no user agent, Microsoft's preview services, and the usual bot and client words.
 */
const PREVIEW_WORDS = [
	// Microsoft: Teams' and Skype's preview services, Office's link discovery.
	'teams',
	'skype',
	'preview',
	'ms-office',
	'microsoft office',
	// Crawlers and unfurlers.
	'bot',
	'crawl',
	'spider',
	'slurp',
	'facebookexternalhit',
	'whatsapp',
	'slack',
	'discord',
	'telegram',
	'linkedin',
	'embedly',
	'headless',
	// HTTP clients that are not a person's browser.
	'curl',
	'wget',
	'python-requests',
	'go-http-client',
	'okhttp',
];

/** Whether a request with this user agent is a preview or a robot, not a person's browser. */
export function isLinkPreview(userAgent: string | string[] | undefined): boolean {
	const agent = (Array.isArray(userAgent) ? userAgent.join(' ') : (userAgent ?? '')).trim();
	if (!agent) return true;
	const lower = agent.toLowerCase();
	return PREVIEW_WORDS.some((word) => lower.includes(word));
}
