/**
 * Central redaction of secrets in anything that may reach a user, a log or an error: form fields
 * (`client_secret=`, `client_assertion=`, `code=`...), JSON token fields, bearer tokens,
 * JWT-looking strings, PEM blocks, and literal secret values registered at runtime (a
 * credential's secret or key is registered when it is validated).
 */

const REDACTED = '[redacted]';

/** Literal values to redact wherever they appear (kept for the process lifetime). */
const secrets = new Set<string>();
const MAX_SECRETS = 1000;

/** Registers a literal secret (client secret, private key, token) to be redacted everywhere. */
export function registerSecret(value: string | undefined | null): void {
	if (typeof value !== 'string') return;
	const trimmed = value.trim();
	if (trimmed.length < 8) return; // too short to redact without mangling ordinary text
	if (secrets.size >= MAX_SECRETS) secrets.delete(secrets.values().next().value as string);
	secrets.add(trimmed);
}

const FORM_FIELDS =
	/\b(client_secret|client_assertion|assertion|refresh_token|access_token|id_token|code|code_verifier|password)=([^&\s"']+)/gi;
const JSON_FIELDS =
	/"(client_secret|clientSecret|client_assertion|assertion|refresh_token|refreshToken|access_token|accessToken|id_token|idToken|privateKey|private_key|password|secretText)"\s*:\s*"(?:[^"\\]|\\.)*"/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const JWT = /\bey[A-Za-z0-9_-]{6,}\.ey[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g;
const PEM = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(?:-----END \1-----|$)/g;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text with every secret replaced by `[redacted]`. */
export function redact(text: string): string {
	if (typeof text !== 'string' || !text) return text;
	let out = text;
	for (const secret of secrets) {
		for (const form of new Set([
			secret,
			encodeURIComponent(secret),
			JSON.stringify(secret).slice(1, -1),
		])) {
			if (out.includes(form)) out = out.replace(new RegExp(escapeRegExp(form), 'g'), REDACTED);
		}
	}
	return out
		.replace(PEM, (_m, label: string) => `[redacted ${label.trim()}]`)
		.replace(JSON_FIELDS, (_m, name: string) => `"${name}":"${REDACTED}"`)
		.replace(FORM_FIELDS, (_m, name: string) => `${name}=${REDACTED}`)
		.replace(BEARER, (_m, word: string) => `${word} ${REDACTED}`)
		.replace(JWT, '[redacted JWT]');
}

/** Deep copy of a value with every string redacted (for error bodies and logged objects). */
export function redactValue<T>(value: T, depth = 0): T {
	if (typeof value === 'string') return redact(value) as T;
	if (depth > 8 || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1)) as T;
	const out: Record<string, unknown> = {};
	for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
		out[key] =
			/^(client_secret|clientSecret|client_assertion|refresh_token|access_token|id_token|privateKey|password)$/i.test(
				key,
			) && typeof v === 'string'
				? REDACTED
				: redactValue(v, depth + 1);
	}
	return out as T;
}
