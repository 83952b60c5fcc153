import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_PORTS } from '../../src/platform/ports.js';

interface Compose {
  services: Record<string, { image: string; ports?: string[]; environment?: Record<string, unknown> }>;
}

const compose = parseYaml(readFileSync(new URL('../../docker/compose.yml', import.meta.url), 'utf8'), { merge: true }) as Compose;
const hostPorts = (svc: string) => (compose.services[svc]?.ports ?? []).map((p) => Number(p.split(':')[0]));

describe('docker/compose.yml', () => {
  it('has the same topology as streamctl dev --brokers 3', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['flink-jobmanager', 'flink-taskmanager', 'kafka-1', 'kafka-2', 'kafka-3', 'postgres', 'schema-registry', 'sql-gateway'].sort(),
    );
  });

  it('publishes streamctl default ports', () => {
    expect(hostPorts('kafka-1')).toEqual([DEFAULT_PORTS.kafka]);
    expect(hostPorts('kafka-2')).toEqual([DEFAULT_PORTS.kafka + 2]);
    expect(hostPorts('kafka-3')).toEqual([DEFAULT_PORTS.kafka + 4]);
    expect(hostPorts('schema-registry')).toEqual([DEFAULT_PORTS.registry]);
    expect(hostPorts('flink-jobmanager')).toEqual([DEFAULT_PORTS.flinkRest]);
    expect(hostPorts('sql-gateway')).toEqual([DEFAULT_PORTS.sqlGateway]);
    expect(hostPorts('postgres')).toEqual([DEFAULT_PORTS.postgres]);
  });

  it('advertises each broker on the port it publishes, with RF 3 and min.insync 2', () => {
    for (const [i, svc] of ['kafka-1', 'kafka-2', 'kafka-3'].entries()) {
      const env = compose.services[svc]!.environment!;
      expect(env.KAFKA_ADVERTISED_LISTENERS).toContain(`EXTERNAL://localhost:${DEFAULT_PORTS.kafka + 2 * i}`);
      expect(env.KAFKA_NODE_ID).toBe(i + 1);
      expect(env.KAFKA_DEFAULT_REPLICATION_FACTOR).toBe(3);
      expect(env.KAFKA_MIN_INSYNC_REPLICAS).toBe(2);
    }
  });

  it('uses official images only', () => {
    for (const svc of Object.values(compose.services)) {
      expect(svc.image).toMatch(/^(apache\/kafka|confluentinc\/cp-schema-registry|flink|postgres):/);
    }
  });
});
