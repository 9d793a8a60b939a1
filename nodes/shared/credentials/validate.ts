/**
 * Validation of credential fields before any request: every error names the field and the fix,
 * and none repeats a secret or key.
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { NodeOperationError, UserError, type INode } from 'n8n-workflow';
import { cloudEndpoints, DOMAIN, GUID, type CloudEndpoints, type CloudSettings } from '../clouds';
import type { MailboxRestriction } from '../auth/types';
import { registerSecret } from '../redact';

/** A credential field is wrong; the message names the field and what to do. */
export class CredentialFieldError extends UserError {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'CredentialFieldError';
	}
}

/** Fields of the "Microsoft 365 (App Client Credentials) API" credential. */
export interface AppCredentialData extends CloudSettings {
	tenantId?: string;
	clientId?: string;
	authentication?: AppAuthentication;
	clientSecret?: string;
	privateKey?: string;
	certificate?: string;
	/** Managed Identity: which identity of the Azure host. */
	managedIdentity?: ManagedIdentityKind;
	/** Managed Identity, user-assigned: its client ID, object ID or resource ID. */
	managedIdentityId?: string;
	/** Workload Identity Federation: path of the file holding the assertion (empty: the environment's). */
	federatedTokenFile?: string;
	mailboxRestriction?: string;
}

export type AppAuthentication =
	'clientSecret' | 'certificate' | 'managedIdentity' | 'workloadIdentityFederation';

export type ManagedIdentityKind = 'system' | 'userClientId' | 'userObjectId' | 'userResourceId';

/** The environment variable AKS workload identity (and others) set to the projected token's path. */
export const FEDERATED_TOKEN_FILE_ENV = 'AZURE_FEDERATED_TOKEN_FILE';

export type AppClientAuth =
	| { kind: 'secret'; secret: string }
	| {
			kind: 'certificate';
			/** PKCS#8 PEM. */
			privateKey: string;
			/** Hex, upper case, without separators. */
			thumbprintSha256?: string;
			thumbprintSha1?: string;
			/** Base64 DER of the certificate (sent as `x5c` when the certificate is known). */
			x5c?: string;
	  }
	| {
			kind: 'managedIdentity';
			/** System-assigned, or a user-assigned identity named by one of its IDs. */
			identity: { type: 'system' } | { type: 'clientId' | 'objectId' | 'resourceId'; id: string };
	  }
	| {
			kind: 'federated';
			/** Absolute path of the assertion file, re-read for every token request. */
			tokenFile: string;
	  };

export interface ValidatedAppCredential {
	endpoints: CloudEndpoints;
	/** Managed identity: empty (the identity's own tenant, known from its token). */
	tenant: string;
	/** Managed identity: empty (the identity is named by `auth.identity`). */
	clientId: string;
	auth: AppClientAuth;
	mailboxRestriction: MailboxRestriction;
}

function fail(field: string, message: string): never {
	throw new CredentialFieldError(field, message);
}

/** Tenant of an app-only credential: a GUID or a verified domain; never common/organizations. */
export function validateTenant(value: unknown, options: { appOnly: boolean }): string {
	const tenant = String(value ?? '').trim();
	if (!tenant) {
		fail(
			'Tenant',
			'Tenant is empty: enter the Directory (tenant) ID or a verified domain such as contoso.onmicrosoft.com',
		);
	}
	const lower = tenant.toLowerCase();
	if (['common', 'organizations', 'consumers'].includes(lower)) {
		if (options.appOnly || lower === 'consumers') {
			fail(
				'Tenant',
				`Tenant "${tenant}" cannot be used for app-only (client credentials) tokens: enter the Directory (tenant) ID or a verified domain of the tenant whose data the app reads (Entra admin center → Overview → Tenant ID)`,
			);
		}
		return lower;
	}
	if (!GUID.test(tenant) && !DOMAIN.test(tenant)) {
		fail(
			'Tenant',
			`Tenant "${tenant}" is neither a Directory (tenant) ID (a GUID) nor a domain name: copy the Tenant ID from Entra admin center → Overview, or use a verified domain such as contoso.onmicrosoft.com`,
		);
	}
	return tenant;
}

export function validateClientId(value: unknown): string {
	const clientId = String(value ?? '').trim();
	if (!GUID.test(clientId)) {
		fail(
			'Client ID',
			`Client ID ${clientId ? `"${clientId}" ` : ''}is not a GUID: copy the Application (client) ID from Entra admin center → App registrations → your app → Overview`,
		);
	}
	return clientId.toLowerCase();
}

export function validateClientSecret(value: unknown): string {
	const secret = String(value ?? '').trim();
	if (!secret)
		fail(
			'Client Secret',
			'Client Secret is empty: paste the Value of a client secret from Certificates & secrets',
		);
	if (GUID.test(secret)) {
		fail(
			'Client Secret',
			"Client Secret looks like a Secret ID (a GUID): paste the secret's Value, not its Secret ID (Entra → App registrations → Certificates & secrets; the Value is shown only right after creating the secret)",
		);
	}
	if (/-----BEGIN /.test(secret)) {
		fail(
			'Client Secret',
			'Client Secret holds a PEM block: choose Authentication "Certificate" to sign in with a certificate',
		);
	}
	registerSecret(secret);
	return secret;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/** Every PEM block of a text, in order. */
function pemBlocks(text: string): RegExpExecArray[] {
	return [...text.matchAll(new RegExp(PEM_BLOCK.source, 'g'))];
}

/** Restores line breaks lost when a PEM was pasted into a single-line field. */
function normalisePem(text: string): string {
	const match = PEM_BLOCK.exec(text.trim());
	if (!match) return text.trim();
	const body = match[2].replace(/\s+/g, '');
	const lines = body.match(/.{1,64}/g) ?? [];
	return `-----BEGIN ${match[1]}-----\n${lines.join('\n')}\n-----END ${match[1]}-----\n`;
}

function parsePrivateKey(value: unknown): { pem: string; publicDer: Buffer } {
	const text = String(value ?? '').trim();
	if (!text)
		fail(
			'Private Key',
			'Private Key is empty: paste the PEM private key of the certificate uploaded to the app',
		);
	// A PEM bundle (certificate and key in one file, as exported from a .pfx) is accepted: the key
	// block is taken wherever it stands.
	const blocks = pemBlocks(text);
	const match = blocks.find((b) => /PRIVATE KEY$/.test(b[1]));
	if (!match && blocks.some((b) => b[1] === 'CERTIFICATE')) {
		fail(
			'Private Key',
			'Private Key holds a certificate but no private key: paste the private key the certificate was created with (BEGIN PRIVATE KEY). From a .pfx: openssl pkcs12 -in cert.pfx -nocerts -nodes',
		);
	}
	if (!match) {
		fail(
			'Private Key',
			'Private Key is not a PEM private key: paste the whole block, from its BEGIN PRIVATE KEY line to its END PRIVATE KEY line (PKCS#8 or PKCS#1 "RSA PRIVATE KEY")',
		);
	}
	if (match[1] === 'ENCRYPTED PRIVATE KEY') {
		fail(
			'Private Key',
			'Private Key is encrypted with a passphrase: export it without one (openssl pkcs8 -in key.pem -nocrypt -topk8 -out plain.pem) and store it only in this credential',
		);
	}
	let key;
	try {
		key = createPrivateKey(normalisePem(match[0]));
	} catch {
		return fail(
			'Private Key',
			'Private Key is not a readable PEM private key (the base64 body is damaged or truncated): paste it again, including the BEGIN and END lines',
		);
	}
	if (key.asymmetricKeyType !== 'rsa') {
		fail(
			'Private Key',
			`Private Key is a ${key.asymmetricKeyType ?? 'non-RSA'} key: Microsoft Entra accepts only RSA certificates for client assertions`,
		);
	}
	const pem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
	registerSecret(pem);
	registerSecret(text);
	const publicDer = createPublicKey(key).export({ type: 'spki', format: 'der' });
	return { pem, publicDer };
}

/** Certificate field: a PEM certificate, or a SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint. */
function parseCertificate(
	value: unknown,
	publicDer: Buffer,
	now: number,
): { thumbprintSha256?: string; thumbprintSha1?: string; x5c?: string } {
	const text = String(value ?? '').trim();
	if (!text) {
		fail(
			'Certificate or Thumbprint',
			'Certificate or Thumbprint is empty: paste the certificate (PEM) uploaded to the app, or its thumbprint from Certificates & secrets',
		);
	}
	if (/-----BEGIN /.test(text)) {
		const match = pemBlocks(text).find((b) => b[1] === 'CERTIFICATE');
		if (!match) {
			fail(
				'Certificate or Thumbprint',
				'Certificate or Thumbprint holds a PEM block that is not a certificate: paste the whole block, from its BEGIN CERTIFICATE line to its END CERTIFICATE line',
			);
		}
		let cert: X509Certificate;
		try {
			cert = new X509Certificate(normalisePem(match[0]));
		} catch {
			return fail(
				'Certificate or Thumbprint',
				'Certificate or Thumbprint is not a readable PEM certificate (the base64 body is damaged or truncated): paste it again, including the BEGIN and END lines',
			);
		}
		const certDer = cert.publicKey.export({ type: 'spki', format: 'der' });
		if (!certDer.equals(publicDer)) {
			fail(
				'Private Key',
				'Private Key does not belong to the certificate in Certificate or Thumbprint: paste the key the certificate was created with, or the certificate of this key',
			);
		}
		if (Date.parse(cert.validTo) <= now) {
			fail(
				'Certificate or Thumbprint',
				`The certificate expired on ${new Date(cert.validTo).toISOString().slice(0, 10)}: create a new one, upload it to the app (Certificates & secrets) and paste it and its key here`,
			);
		}
		return {
			thumbprintSha256: createHash('sha256').update(cert.raw).digest('hex').toUpperCase(),
			x5c: cert.raw.toString('base64'),
		};
	}
	const hex = text.replace(/[\s:]/g, '');
	if (/^[0-9a-f]{64}$/i.test(hex)) return { thumbprintSha256: hex.toUpperCase() };
	if (/^[0-9a-f]{40}$/i.test(hex)) return { thumbprintSha1: hex.toUpperCase() };
	return fail(
		'Certificate or Thumbprint',
		'Certificate or Thumbprint is neither a PEM certificate nor a thumbprint: paste the certificate, or its SHA-1 (40 hex characters) or SHA-256 (64 hex characters) thumbprint from Certificates & secrets',
	);
}

/** Parses a mailbox restriction: UPNs/addresses, object IDs and `@domain` entries. */
export function parseMailboxRestriction(value: unknown): MailboxRestriction {
	const out: MailboxRestriction = { addresses: [], objectIds: [], domains: [] };
	const entries = String(value ?? '')
		.split(/[\s,;]+/)
		.map((e) => e.trim().toLowerCase())
		.filter(Boolean);
	for (const entry of entries) {
		if (GUID.test(entry)) out.objectIds.push(entry);
		else if (entry.startsWith('@') && DOMAIN.test(entry.slice(1))) out.domains.push(entry.slice(1));
		else if (/^[^@\s]+@[^@\s]+$/.test(entry) && DOMAIN.test(entry.split('@')[1]))
			out.addresses.push(entry);
		else {
			fail(
				'Mailbox Restriction',
				`Mailbox Restriction entry "${entry}" is not a mailbox: use a UPN or address (alice@contoso.com), an object ID (GUID) or a whole domain (@contoso.com)`,
			);
		}
	}
	return out;
}

export function isRestricted(restriction: MailboxRestriction | undefined): boolean {
	return (
		!!restriction &&
		restriction.addresses.length + restriction.objectIds.length + restriction.domains.length > 0
	);
}

/**
 * Throws unless `mailbox` (UPN, address or object ID) is within the credential's Mailbox
 * Restriction. Call before any request that reads or acts as a mailbox or user.
 */
export function assertMailboxAllowed(
	restriction: MailboxRestriction | undefined,
	mailbox: string,
	settingName = 'Mailbox Restriction',
	node?: INode,
): void {
	if (!isRestricted(restriction)) return;
	const id = String(mailbox ?? '')
		.trim()
		.toLowerCase();
	const r = restriction!;
	if (id && (r.addresses.includes(id) || r.objectIds.includes(id))) return;
	const domain = id.includes('@') ? id.split('@').pop()! : '';
	if (domain && r.domains.includes(domain)) return;
	const hint = GUID.test(id)
		? ' (an object ID matches only an object ID entry: use the UPN, or add the ID)'
		: '';
	const message = `Mailbox "${mailbox}" is not allowed by the credential's ${settingName}${hint}: add it (or its @domain) to ${settingName}, or use a mailbox that is listed`;
	if (node) throw new NodeOperationError(node, message);
	throw new CredentialFieldError(settingName, message);
}

/** An ARM resource ID of a user-assigned managed identity. */
const USER_ASSIGNED_RESOURCE_ID =
	/^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourcegroups\/[-\w.()]{1,90}\/providers\/microsoft\.managedidentity\/userassignedidentities\/[-\w]{3,128}$/i;

const IDENTITY_ID_FIELD = 'Identity ID';

/** The managed identity to ask the Azure host for: system-assigned, or a user-assigned one by ID. */
export function validateManagedIdentity(
	kind: unknown,
	value: unknown,
): Extract<AppClientAuth, { kind: 'managedIdentity' }>['identity'] {
	const k = String(kind ?? 'system') as ManagedIdentityKind;
	if (k === 'system') return { type: 'system' };
	const id = String(value ?? '').trim();
	const where =
		'Azure portal → Managed Identities → your identity → Overview (or Properties for the resource ID)';
	if (k === 'userClientId' || k === 'userObjectId') {
		const what = k === 'userClientId' ? 'Client ID' : 'Object (principal) ID';
		if (!id)
			fail(
				IDENTITY_ID_FIELD,
				`${IDENTITY_ID_FIELD} is empty: enter the ${what} of the user-assigned identity (${where})`,
			);
		if (!GUID.test(id)) {
			fail(
				IDENTITY_ID_FIELD,
				`${IDENTITY_ID_FIELD} "${id}" is not a GUID: enter the ${what} of the user-assigned identity as shown on ${where}${/^\//.test(id) ? ', or choose Managed Identity "User-Assigned (Resource ID)" for a resource ID' : ''}`,
			);
		}
		return { type: k === 'userClientId' ? 'clientId' : 'objectId', id: id.toLowerCase() };
	}
	if (k === 'userResourceId') {
		if (!id)
			fail(
				IDENTITY_ID_FIELD,
				`${IDENTITY_ID_FIELD} is empty: enter the resource ID of the user-assigned identity (${where})`,
			);
		if (!USER_ASSIGNED_RESOURCE_ID.test(id)) {
			fail(
				IDENTITY_ID_FIELD,
				`${IDENTITY_ID_FIELD} "${id}" is not the resource ID of a user-assigned identity: enter it as /subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name> (${where})${GUID.test(id) ? ', or choose "User-Assigned (Client ID)" or "User-Assigned (Object ID)" for a GUID' : ''}`,
			);
		}
		return { type: 'resourceId', id };
	}
	return fail(
		'Managed Identity',
		`Managed Identity "${k}" is unknown: choose System-Assigned or a User-Assigned identity by Client ID, Object ID or Resource ID`,
	);
}

/**
 * The assertion file of Workload Identity Federation: the field, else the path in
 * AZURE_FEDERATED_TOKEN_FILE of the n8n process. The file itself is read for every token request
 * (nodes/shared/auth/federated.ts), since its issuer rotates it.
 */
export function federatedTokenPath(value: unknown, env = process.env): string {
	const typed = String(value ?? '').trim();
	const path = typed || String(env[FEDERATED_TOKEN_FILE_ENV] ?? '').trim();
	if (!path) {
		fail(
			'Federated Token File',
			`Federated Token File is empty and the n8n process has no ${FEDERATED_TOKEN_FILE_ENV}: enter the path of the file holding the federated token (with AKS workload identity, label the pod azure.workload.identity/use: "true" so the variable is set, or enter /var/run/secrets/azure/tokens/azure-identity-token)`,
		);
	}
	if (!path.startsWith('/') && !/^[a-z]:[\\/]/i.test(path)) {
		fail(
			'Federated Token File',
			`Federated Token File "${path}" is not an absolute path: enter the full path of the file, such as /var/run/secrets/azure/tokens/azure-identity-token`,
		);
	}
	return path;
}

/** Validates the app credential's fields (no network; the federated token file is read later). */
export function validateAppCredential(
	data: AppCredentialData,
	now = Date.now(),
): ValidatedAppCredential {
	let endpoints: CloudEndpoints;
	try {
		endpoints = cloudEndpoints(data);
	} catch (e) {
		return fail('Cloud', (e as Error).message);
	}
	const authentication = data.authentication ?? 'clientSecret';
	if (authentication === 'managedIdentity') {
		// The identity's own tenant and ID: Tenant and Client ID are not used (hidden in the dialog).
		return {
			endpoints,
			tenant: '',
			clientId: '',
			auth: {
				kind: 'managedIdentity',
				identity: validateManagedIdentity(data.managedIdentity, data.managedIdentityId),
			},
			mailboxRestriction: parseMailboxRestriction(data.mailboxRestriction),
		};
	}
	const tenant = validateTenant(data.tenantId, { appOnly: true });
	const clientId = validateClientId(data.clientId);
	let auth: AppClientAuth;
	if (authentication === 'certificate') {
		const key = parsePrivateKey(data.privateKey);
		auth = {
			kind: 'certificate',
			privateKey: key.pem,
			...parseCertificate(data.certificate, key.publicDer, now),
		};
	} else if (authentication === 'workloadIdentityFederation') {
		auth = { kind: 'federated', tokenFile: federatedTokenPath(data.federatedTokenFile) };
	} else if (authentication === 'clientSecret') {
		auth = { kind: 'secret', secret: validateClientSecret(data.clientSecret) };
	} else {
		return fail(
			'Authentication',
			`Authentication "${String(authentication)}" is unknown: choose Client Secret, Certificate, Managed Identity or Workload Identity Federation`,
		);
	}
	return {
		endpoints,
		tenant,
		clientId,
		auth,
		mailboxRestriction: parseMailboxRestriction(data.mailboxRestriction),
	};
}
