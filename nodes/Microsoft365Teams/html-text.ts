/**
 * Plain text from a Teams message's HTML body. Microsoft Graph has no way to ask for chatMessage
 * bodies as text: `Prefer: outlook.body-content-type` is an Outlook (message, event, post) header,
 * and the chatMessage pages document no such header; Teams stores a message as HTML (or text) and
 * Graph returns it as stored. So Body Format "Text" converts here: block ends and <br> become line
 * breaks, list items get a dash, <at> mentions keep their text, <attachment> and <img> tags (cards,
 * files, inline images) become "[attachment]" / "[image]", other tags are dropped, entities decoded.
 */

const NAMED: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
};

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
		if (entity[0] === '#') {
			const code =
				entity[1] === 'x' || entity[1] === 'X'
					? parseInt(entity.slice(2), 16)
					: parseInt(entity.slice(1), 10);
			return Number.isFinite(code) && code > 0 && code <= 0x10ffff
				? String.fromCodePoint(code)
				: whole;
		}
		return NAMED[entity.toLowerCase()] ?? whole;
	});
}

/** The text of an HTML message body. */
export function htmlToText(html: string): string {
	// Block boundaries become one marker each; a run of them (</p><p>) is one line break.
	const BLOCK = '\uE000';
	let text = html
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
		.replace(/\r?\n/g, ' ')
		.replace(/<br\s*\/?>/gi, '\n')
		.replace(/<li\b[^>]*>/gi, `${BLOCK}- `)
		.replace(/<\/(p|div|li|ul|ol|h[1-6]|blockquote|pre|tr|table)\s*>/gi, BLOCK)
		.replace(/<(p|div|ul|ol|h[1-6]|blockquote|pre|tr|table)\b[^>]*>/gi, BLOCK)
		.replace(/<\/t[dh]\s*>/gi, '\t')
		.replace(/<img\b[^>]*>/gi, '[image]')
		.replace(/<attachment\b[^>]*>(\s*<\/attachment\s*>)?/gi, '[attachment]')
		.replace(/<systemEventMessage\s*\/?>/gi, '')
		.replace(/<[^>]*>/g, '');
	text = decodeEntities(text)
		.replace(
			/[ \t\u00a0]*\uE000[\s\uE000]*/g,
			(run) => `\n${'\n'.repeat((run.match(/\n/g) ?? []).length)}`,
		)
		.replace(/[ \t\u00a0]+\n/g, '\n')
		.replace(/\n[ \t\u00a0]+/g, '\n')
		.replace(/[ \u00a0]{2,}/g, ' ')
		.replace(/\n{3,}/g, '\n\n');
	return text.trim();
}
