import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Layout } from './layout.js';
import type { PortName } from './ports.js';
import type { Java } from './prereqs.js';

/**
 * The secure listener of `streamctl dev up --secure`: SASL_SSL with
 * SCRAM-SHA-512, beside the plain listener the platform's own services
 * (registry, Flink) keep using. Its material lives with the secure cluster's
 * data, so it survives restarts and `dev down --purge` removes it:
 *
 *   <home>/data/kafka/secure/ca.pem               the CA clients trust (PEM)
 *   <home>/data/kafka/secure/broker.p12           the brokers' key and certificate (PKCS12, signed by the CA)
 *   <home>/data/kafka/secure/keystore.password    the keystore's password
 *   <home>/data/kafka/secure/streamctl.password   the SCRAM password of user "streamctl" (created at format time)
 *
 * The CA and certificate are made with the JDK's keytool, offline; the
 * certificate names localhost and 127.0.0.1. Files are readable by their
 * owner only.
 */

export const SECURE_USER = 'streamctl';
export const SECURE_MECHANISM = 'SCRAM-SHA-512';
/** The secure listener of node n listens on the node's client port + 100 (9192, 9194, 9196). */
export const SECURE_PORT_SHIFT = 100;
/** The context `dev up --secure` writes into the user file. */
export const SECURE_CONTEXT = 'local-secure';

export function securePort(ports: Record<PortName, number>, node: number): number {
  return ports.kafka + SECURE_PORT_SHIFT + 2 * (node - 1);
}

export function secureBootstrap(ports: Record<PortName, number>, brokers: number): string {
  return Array.from({ length: brokers }, (_, i) => `localhost:${securePort(ports, i + 1)}`).join(',');
}

export interface SecureMaterial {
  dir: string;
  caFile: string;
  keystoreFile: string;
  keystorePassword: string;
  passwordFile: string;
  password: string;
}

export function secureDir(layout: Layout): string {
  return join(layout.dataDir('kafka'), 'secure');
}

export function secureFiles(layout: Layout): Omit<SecureMaterial, 'keystorePassword' | 'password'> {
  const dir = secureDir(layout);
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    keystoreFile: join(dir, 'broker.p12'),
    passwordFile: join(dir, `${SECURE_USER}.password`),
  };
}

/** Letters and digits only: the password goes into StorageTool's `[name=…,password=…]` syntax. */
const newPassword = () => randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');

function readOrCreate(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = newPassword();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

function keytoolOf(java: Java): string {
  const beside = join(dirname(java.bin), 'keytool');
  return existsSync(beside) ? beside : 'keytool';
}

/**
 * The secure listener's CA, broker keystore and SCRAM password; made once
 * (a few keytool runs), then reused.
 */
export function ensureSecureMaterial(layout: Layout, java: Java): SecureMaterial {
  const files = secureFiles(layout);
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  chmodSync(files.dir, 0o700);
  const password = readOrCreate(files.passwordFile);
  const keystorePassword = readOrCreate(join(files.dir, 'keystore.password'));
  if (!existsSync(files.keystoreFile) || !existsSync(files.caFile)) {
    // Built in a scratch folder and moved into place, so a failed run leaves nothing half-made.
    const work = join(files.dir, `tmp-${process.pid}`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { mode: 0o700 });
    const caStorePassword = newPassword();
    const keytool = keytoolOf(java);
    const san = 'SAN=dns:localhost,ip:127.0.0.1';
    const ks = (...args: string[]) => {
      try {
        execFileSync(keytool, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
      } catch (err) {
        const out = `${(err as { stdout?: Buffer }).stdout ?? ''}${(err as { stderr?: Buffer }).stderr ?? ''}`.trim().split('\n').pop();
        throw new ConfigError(
          `unable to make the TLS certificates for the secure listener: keytool ${args[0]} failed: ${out || describeExit(err)}`,
          {
            hint: 'keytool comes with the JDK; check that the java streamctl found has it',
            cause: err,
          },
        );
      }
    };
    // A 10-year RSA key pair in a PKCS12 keystore of its own.
    const keyPair = (alias: string, dname: string, ext: string, keystore: string, storepass: string) =>
      ks(
        '-genkeypair',
        '-alias',
        alias,
        '-keyalg',
        'RSA',
        '-keysize',
        '2048',
        '-validity',
        '3650',
        '-dname',
        dname,
        '-ext',
        ext,
        '-keystore',
        keystore,
        '-storetype',
        'PKCS12',
        '-storepass',
        storepass,
      );
    keyPair('ca', 'CN=streamctl local CA', 'bc:c', 'ca.p12', caStorePassword);
    ks('-exportcert', '-rfc', '-alias', 'ca', '-keystore', 'ca.p12', '-storepass', caStorePassword, '-file', 'ca.pem');
    keyPair('broker', 'CN=localhost', san, 'broker.p12', keystorePassword);
    ks('-certreq', '-alias', 'broker', '-keystore', 'broker.p12', '-storepass', keystorePassword, '-file', 'broker.csr');
    ks(
      '-gencert',
      '-rfc',
      '-alias',
      'ca',
      '-keystore',
      'ca.p12',
      '-storepass',
      caStorePassword,
      '-infile',
      'broker.csr',
      '-outfile',
      'broker.pem',
      '-validity',
      '3650',
      '-ext',
      san,
      '-ext',
      'KU=digitalSignature,keyEncipherment',
      '-ext',
      'EKU=serverAuth',
    );
    ks('-importcert', '-noprompt', '-alias', 'ca', '-keystore', 'broker.p12', '-storepass', keystorePassword, '-file', 'ca.pem');
    ks('-importcert', '-noprompt', '-alias', 'broker', '-keystore', 'broker.p12', '-storepass', keystorePassword, '-file', 'broker.pem');
    for (const f of ['broker.p12', 'ca.pem']) chmodSync(join(work, f), 0o600);
    renameSync(join(work, 'broker.p12'), files.keystoreFile);
    renameSync(join(work, 'ca.pem'), files.caFile);
    // The CA's private key is not kept: nothing else is ever signed with it.
    rmSync(work, { recursive: true, force: true });
  }
  return { ...files, password, keystorePassword };
}

function describeExit(err: unknown): string {
  const e = err as { code?: string; status?: number };
  return e.code ?? (e.status !== undefined ? `exit ${e.status}` : 'failed');
}

/** server.properties lines of the secure listener (added to node n's plain ones). */
export function secureServerProperties(material: Pick<SecureMaterial, 'keystoreFile' | 'keystorePassword'>): string {
  return `# The secure listener (streamctl dev up --secure): SASL_SSL with SCRAM-SHA-512.
sasl.enabled.mechanisms=${SECURE_MECHANISM}
listener.name.sasl_ssl.sasl.enabled.mechanisms=${SECURE_MECHANISM}
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=${material.keystoreFile}
listener.name.sasl_ssl.ssl.keystore.password=${material.keystorePassword}
listener.name.sasl_ssl.ssl.key.password=${material.keystorePassword}
listener.name.sasl_ssl.ssl.client.auth=none
`;
}

/** The context that reaches the secure listener, as the user file holds it (see config/contexts.ts). */
export function secureContextSettings(layout: Layout, ports: Record<PortName, number>, brokers: number): Record<string, unknown> {
  const files = secureFiles(layout);
  return {
    kafka: {
      brokers: secureBootstrap(ports, brokers),
      sasl: { mechanism: SECURE_MECHANISM, username: SECURE_USER, passwordFile: files.passwordFile },
      tls: { ca: files.caFile },
    },
  };
}
