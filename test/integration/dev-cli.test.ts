import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/platform.js';

describe('streamctl dev (through the real binary, on the running platform)', () => {
  it('status --output json shows every service healthy with its endpoint', async () => {
    const r = await cli(['dev', 'status', '--output', 'json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.kafka).toMatchObject({ healthy: true, bootstrap: expect.stringMatching(/^localhost:\d+/) });
    expect(s.registry).toMatchObject({ healthy: true, url: expect.stringMatching(/^http:\/\/localhost:\d+\/apis\/ccompat\/v7$/) });
    expect(s.flink).toMatchObject({ healthy: true, rest: expect.stringMatching(/^http:\/\/localhost:\d+$/) });
    expect(s.sqlGateway).toMatchObject({ healthy: true, url: expect.stringMatching(/^http:\/\/localhost:\d+$/) });
    expect(s.postgres).toMatchObject({ healthy: true, url: expect.stringMatching(/^postgres:\/\/streamctl@localhost:\d+\/streamctl$/) });
    expect(r.stderr).toBe('');
  });

  it('a second `dev up` is a no-op that reports status', async () => {
    const before = JSON.parse((await cli(['dev', 'status', '-o', 'json'])).stdout);
    const r = await cli(['dev', 'up', '-o', 'json']);
    expect(r.code).toBe(0);
    const up = JSON.parse(r.stdout);
    expect(up.alreadyRunning).toBe(true);
    expect(up.started).toEqual([]);
    expect(up.status.kafka.pids).toEqual(before.kafka.pids);
    const table = await cli(['dev', 'up']);
    expect(table.stdout).toContain('already running');
    expect(table.stdout).toMatch(/KAFKA|kafka/);
  });

  it('prints a table of endpoints with status', async () => {
    const r = await cli(['dev', 'status']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^SERVICE\s+HEALTH\s+ENDPOINT\s+DETAIL$/);
    expect(r.stdout).toMatch(/schema registry\s+healthy\s+http:\/\/localhost:\d+\/apis\/ccompat\/v7/);
    expect((await cli(['dev', 'status', '--check'])).code).toBe(0);
  });

  it('shows a service log, and rejects an unknown service with exit 2', async () => {
    const r = await cli(['dev', 'logs', 'kafka-1', '-n', '5']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').length).toBeLessThanOrEqual(5);
    expect(r.stdout.length).toBeGreaterThan(0);
    const bad = await cli(['dev', 'logs', 'zookeeper']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: unknown service "zookeeper"\nhint: use one of: postgres, kafka-1/);
  });
});
