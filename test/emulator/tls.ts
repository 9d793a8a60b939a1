/**
 * The emulator's TLS material: a CA kept on disk (so clients can trust it through
 * NODE_EXTRA_CA_CERTS before they start) and a server certificate issued by it on every start,
 * covering loopback and Microsoft's real host names.
 */
import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import forge from 'node-forge';

export interface CertificateMaterial {
	certPem: string;
	keyPem: string;
}

/** Host names a server certificate covers by default: loopback plus Microsoft's public and national-cloud hosts. */
export const MICROSOFT_HOST_NAMES = [
	'login.microsoftonline.com',
	'graph.microsoft.com',
	'*.sharepoint.com',
	'smtp.office365.com',
	'outlook.office.com',
	'outlook.office365.com',
	'login.microsoftonline.us',
	'graph.microsoft.us',
	'dod-graph.microsoft.us',
	'*.sharepoint.us',
	'login.chinacloudapi.cn',
	'microsoftgraph.chinacloudapi.cn',
	'*.sharepoint.cn',
];

export function defaultStateDir(): string {
	return process.env.M365_EMULATOR_STATE_DIR ?? resolve(__dirname, '..', '..', '.emulator');
}

function generateRsaKeyPem(bits = 2048): { privatePem: string; publicPem: string } {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
	return {
		privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
		publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
	};
}

function serial(): string {
	// Positive 16-byte serial number.
	return '01' + randomBytes(15).toString('hex');
}

interface CertOptions {
	commonName: string;
	issuer?: CertificateMaterial;
	isCa?: boolean;
	dnsNames?: string[];
	ipAddresses?: string[];
	notBefore?: Date;
	notAfter?: Date;
	keyBits?: number;
	extendedKeyUsage?: 'server' | 'client';
}

/** Issues an X.509 certificate (self-signed when no issuer is given) with a fresh RSA key. */
export function issueCertificate(options: CertOptions): CertificateMaterial {
	const keys = generateRsaKeyPem(options.keyBits ?? 2048);
	const cert = forge.pki.createCertificate();
	cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
	cert.serialNumber = serial();
	cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - 24 * 3600 * 1000);
	cert.validity.notAfter =
		options.notAfter ?? new Date(Date.now() + (options.isCa ? 3650 : 825) * 24 * 3600 * 1000);
	const subject = [{ name: 'commonName', value: options.commonName }];
	cert.setSubject(subject);
	let signingKey = forge.pki.privateKeyFromPem(keys.privatePem);
	if (options.issuer) {
		const issuerCert = forge.pki.certificateFromPem(options.issuer.certPem);
		cert.setIssuer(issuerCert.subject.attributes);
		signingKey = forge.pki.privateKeyFromPem(options.issuer.keyPem);
	} else {
		cert.setIssuer(subject);
	}
	const extensions: object[] = [
		{ name: 'basicConstraints', cA: !!options.isCa, critical: true },
		options.isCa
			? {
					name: 'keyUsage',
					keyCertSign: true,
					cRLSign: true,
					digitalSignature: true,
					critical: true,
				}
			: { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
		{ name: 'subjectKeyIdentifier' },
	];
	if (!options.isCa) {
		extensions.push({
			name: 'extKeyUsage',
			serverAuth: options.extendedKeyUsage !== 'client',
			clientAuth: true,
		});
	}
	const altNames = [
		...(options.dnsNames ?? []).map((value) => ({ type: 2, value })),
		...(options.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
	];
	if (altNames.length) extensions.push({ name: 'subjectAltName', altNames });
	cert.setExtensions(extensions);
	cert.sign(signingKey, forge.md.sha256.create());
	return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

/** Loads the emulator CA from `dir`, creating it on first use. */
export function loadOrCreateCa(
	dir = defaultStateDir(),
): CertificateMaterial & { certFile: string } {
	const certFile = join(dir, 'ca.pem');
	const keyFile = join(dir, 'ca-key.pem');
	if (existsSync(certFile) && existsSync(keyFile)) {
		const material = {
			certPem: readFileSync(certFile, 'utf8'),
			keyPem: readFileSync(keyFile, 'utf8'),
		};
		const x509 = new X509Certificate(material.certPem);
		if (new Date(x509.validTo).getTime() > Date.now() + 7 * 24 * 3600 * 1000) {
			return { ...material, certFile };
		}
	}
	mkdirSync(dir, { recursive: true });
	const ca = issueCertificate({
		commonName: 'n8n-nodes-m365 Microsoft 365 emulator CA',
		isCa: true,
	});
	// Written to temporary names then renamed, so concurrent starters never read half a file.
	const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}`;
	writeFileSync(keyFile + suffix, ca.keyPem, { mode: 0o600 });
	writeFileSync(certFile + suffix, ca.certPem);
	renameSync(keyFile + suffix, keyFile);
	renameSync(certFile + suffix, certFile);
	return { ...ca, certFile };
}

export function issueServerCertificate(
	ca: CertificateMaterial,
	extraHostNames: string[] = [],
): CertificateMaterial {
	return issueCertificate({
		commonName: 'localhost',
		issuer: ca,
		dnsNames: ['localhost', ...MICROSOFT_HOST_NAMES, ...extraHostNames],
		ipAddresses: ['127.0.0.1', '::1'],
	});
}

/** SHA-1 thumbprint (hex, upper case) of a PEM certificate, as Entra shows it. */
export function thumbprintSha1(certPem: string): string {
	return new X509Certificate(certPem).fingerprint.replace(/:/g, '');
}

/** base64url SHA-1 and SHA-256 of the DER certificate: the `x5t` / `x5t#S256` header values. */
export function certificateHashes(certPem: string): { x5t: string; x5tS256: string } {
	const der = new X509Certificate(certPem).raw;
	return {
		x5t: createHash('sha1').update(der).digest('base64url'),
		x5tS256: createHash('sha256').update(der).digest('base64url'),
	};
}
