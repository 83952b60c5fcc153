import { newClusterId } from '../../src/platform/services/kafka.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointsFor } from '../../src/platform/layout.js';
import { tail, serviceIds } from '../../src/platform/logs.js';
import { DEFAULT_PORTS, effectivePorts } from '../../src/platform/ports.js';
import { parseJavaVersion } from '../../src/platform/prereqs.js';
import { formatBytes } from '../../src/platform/fetch.js';

describe('platform helpers', () => {
  it('derives endpoints from ports, one bootstrap address per broker', () => {
    const e = endpointsFor(effectivePorts(DEFAULT_PORTS, 0), 3);
    expect(e.kafka.bootstrap).toBe('localhost:9092,localhost:9094,localhost:9096');
    expect(e.registry.url).toBe('http://localhost:8081/apis/ccompat/v7');
    expect(e.flink.rest).toBe('http://localhost:8082');
    expect(e.sqlGateway.url).toBe('http://localhost:8083');
    expect(e.postgres.url).toBe('postgres://streamctl@localhost:5433/streamctl');
    expect(endpointsFor(effectivePorts(DEFAULT_PORTS, 10000), 1).kafka.bootstrap).toBe('localhost:19092');
  });

  it('has no two default ports alike, even with 3 brokers', () => {
    const used = [
      ...Object.values(DEFAULT_PORTS),
      DEFAULT_PORTS.kafka + 2,
      DEFAULT_PORTS.kafka + 4,
      DEFAULT_PORTS.kafkaController + 2,
      DEFAULT_PORTS.kafkaController + 4,
      DEFAULT_PORTS.flinkTaskManagerRpc + 1,
    ];
    expect(new Set(used).size).toBe(used.length);
  });

  it('lists service ids in start order', () => {
    expect(serviceIds(1)).toEqual(['postgres', 'kafka-1', 'registry', 'flink-jobmanager', 'flink-taskmanager', 'sql-gateway']);
    expect(serviceIds(3).filter((s) => s.startsWith('kafka'))).toEqual(['kafka-1', 'kafka-2', 'kafka-3']);
  });

  it('tails the last lines of a file', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'tail-')), 'x.log');
    writeFileSync(f, Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    expect(tail(f, 3)).toBe('line 9997\nline 9998\nline 9999\n');
    writeFileSync(f, 'only\n');
    expect(tail(f, 5)).toBe('only\n');
  });

  it('reads Java versions old and new', () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaVersion('openjdk version "25" 2025-09-16')).toBe(25);
    expect(parseJavaVersion('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaVersion('garbage')).toBeUndefined();
  });

  it('formats byte counts', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(43 * 1024 * 1024)).toBe('43.0 MiB');
  });
});

describe('newClusterId', () => {
  it("makes 22-character base64url ids that never start with '-' (StorageTool would read one as an option)", () => {
    const ids = Array.from({ length: 5000 }, () => newClusterId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
