/**
 * Trusts the emulator's CA in this test process, as NODE_EXTRA_CA_CERTS does for a process
 * started with it: msal-node (node:https), the Graph client (fetch) and nodemailer (node:tls)
 * then verify the emulator's certificate like any other.
 */
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { loadOrCreateCa } from '../emulator/tls';

const { certFile } = loadOrCreateCa();
tls.setDefaultCACertificates([...tls.getCACertificates('default'), readFileSync(certFile, 'utf8')]);
