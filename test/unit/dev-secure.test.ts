import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { parseContext, originOf } from '../../src/config/contexts.js';
import { Layout } from '../../src/platform/layout.js';
import { DEFAULT_PORTS } from '../../src/platform/ports.js';
import { SECURE_CONTEXT, secureBootstrap, secureContextSettings, securePort } from '../../src/platform/secure.js';
import type { ServiceContext } from '../../src/platform/services/context.js';
import { kafkaServerProperties, kafkaServices } from '../../src/platform/services/kafka.js';

function ctx(brokers: number, secure: boolean): ServiceContext {
  const home = mkdtempSync(join(tmpdir(), 'streamctl-secure-'));
  const layout = Layout.from({ ...resolveConfig({ env: { STREAMCTL_DEV_HOME: home } }).dev, home });
  return {
    layout,
    ports: { ...DEFAULT_PORTS },
    brokers,
    java: { bin: '/usr/bin/java', major: 17 },
    java21: { bin: '/usr/bin/java', major: 21 },
    pgBin: '/usr/lib/postgresql/15/bin',
    secure,
  };
}

const props = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('dev up --secure', () => {
  it('adds a SASL_SSL listener on the client port + 100, keeping the plain and controller listeners', () => {
    const c = ctx(3, true);
    const p = props(kafkaServerProperties(c, 2, '/data', { keystoreFile: '/s/broker.p12', keystorePassword: 'ksp' }));
    expect(p['listeners']).toBe('PLAINTEXT://127.0.0.1:9094,SASL_SSL://127.0.0.1:9194,CONTROLLER://127.0.0.1:9095');
    expect(p['advertised.listeners']).toBe('PLAINTEXT://localhost:9094,SASL_SSL://localhost:9194');
    expect(p['listener.security.protocol.map']).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL');
    expect(p['inter.broker.listener.name']).toBe('PLAINTEXT');
    expect(p['sasl.enabled.mechanisms']).toBe('SCRAM-SHA-512');
    expect(p['listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config']).toBe(
      'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    );
    expect(p['listener.name.sasl_ssl.ssl.keystore.location']).toBe('/s/broker.p12');
    expect(p['listener.name.sasl_ssl.ssl.keystore.type']).toBe('PKCS12');
    expect(p['listener.name.sasl_ssl.ssl.client.auth']).toBe('none');
  });

  it('leaves the plain platform as it was', () => {
    const p = props(kafkaServerProperties(ctx(1, false), 1, '/data'));
    expect(p['listeners']).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(p['advertised.listeners']).toBe('PLAINTEXT://localhost:9092');
    expect(Object.keys(p).some((k) => k.includes('sasl') || k.includes('ssl'))).toBe(false);
  });

  it('keeps the secure cluster apart and checks its ports', () => {
    const [plain] = kafkaServices(ctx(1, false));
    const [secure] = kafkaServices(ctx(1, true));
    expect(plain!.ports).toEqual([9092, 9093]);
    expect(secure!.ports).toEqual([9092, 9093, 9192]);
    const three = kafkaServices(ctx(3, true));
    expect(three.map((s) => s.ports[2])).toEqual([9192, 9194, 9196]);
    expect(securePort({ ...DEFAULT_PORTS, kafka: 19092 }, 1)).toBe(19192);
    expect(secureBootstrap(DEFAULT_PORTS, 3)).toBe('localhost:9192,localhost:9194,localhost:9196');
  });

  it('writes a context the config loader accepts: SCRAM user, password file and CA', () => {
    const c = ctx(1, true);
    const settings = secureContextSettings(c.layout, c.ports, 1);
    const dir = join(c.layout.dataDir('kafka'), 'secure');
    expect(settings).toEqual({
      kafka: {
        brokers: 'localhost:9192',
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'streamctl', passwordFile: join(dir, 'streamctl.password') },
        tls: { ca: join(dir, 'ca.pem') },
      },
    });
    expect(parseContext(SECURE_CONTEXT, settings, originOf('test', '/', {}))).toMatchObject({
      kafka: { sasl: { mechanism: 'scram-sha-512', password: { kind: 'file' } }, tls: { ca: join(dir, 'ca.pem') } },
    });
  });
});
