/**
 * DNS-lookup preload: maps Microsoft's host names to the local emulator for the process it is
 * loaded into (`NODE_OPTIONS=--require scripts/e2e/dns-preload.cjs`), so clients run with their
 * Global-cloud defaults (login.microsoftonline.com, graph.microsoft.com, ...) unchanged. The
 * emulator must listen on port 443 with a certificate for those names, its CA trusted through
 * NODE_EXTRA_CA_CERTS.
 *
 * M365_EMULATOR_HOSTS (optional): space- or comma-separated names; "*.suffix" maps every
 * subdomain. M365_EMULATOR_ADDRESS (optional): the address to answer (default 127.0.0.1).
 * Everything else resolves as usual.
 */
'use strict';
const dns = require('node:dns');

const DEFAULT_HOSTS = [
	'login.microsoftonline.com',
	'graph.microsoft.com',
	'*.sharepoint.com',
	'smtp.office365.com',
	'outlook.office.com',
	'outlook.office365.com',
];
const names = (process.env.M365_EMULATOR_HOSTS || DEFAULT_HOSTS.join(' '))
	.split(/[\s,]+/)
	.map((n) => n.trim().toLowerCase())
	.filter(Boolean);
const address = process.env.M365_EMULATOR_ADDRESS || '127.0.0.1';
const family = address.includes(':') ? 6 : 4;

function mapped(hostname) {
	if (typeof hostname !== 'string') return false;
	const host = hostname.toLowerCase().replace(/\.$/, '');
	return names.some((n) =>
		n.startsWith('*.') ? host.endsWith(n.slice(1)) && host.length > n.length - 1 : host === n,
	);
}

function answer(options) {
	const all = typeof options === 'object' && options !== null && options.all;
	return all ? [{ address, family }] : { address, family };
}

const originalLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
	if (!mapped(hostname)) return originalLookup.apply(this, arguments);
	const cb = typeof options === 'function' ? options : callback;
	const opts = typeof options === 'function' ? {} : options;
	const result = answer(opts);
	process.nextTick(() => (Array.isArray(result) ? cb(null, result) : cb(null, address, family)));
	return {};
};

const promises = dns.promises;
const originalPromisesLookup = promises.lookup;
promises.lookup = function lookup(hostname, options) {
	if (!mapped(hostname)) return originalPromisesLookup.apply(this, arguments);
	return Promise.resolve(answer(options));
};

module.exports = { mapped };
