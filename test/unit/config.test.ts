import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';

function sandbox() {
  const root = mkdtempSync(join(tmpdir(), 'streamctl-config-'));
  const home = join(root, 'xdg');
  const project = join(root, 'project');
  mkdirSync(join(home, 'streamctl'), { recursive: true });
  mkdirSync(join(project, '.git'), { recursive: true });
  mkdirSync(join(project, 'sub', 'dir'), { recursive: true });
  return { root, home, project };
}

describe('resolveConfig', () => {
  it('uses the local platform defaults with no files', () => {
    const { home, project } = sandbox();
    const c = resolveConfig({ env: { XDG_CONFIG_HOME: home, XDG_CACHE_HOME: join(home, 'cache') }, cwd: project });
    expect(c.dev.brokers).toBe(1);
    expect(c.dev.ports.kafka).toBe(9092);
    expect(c.dev.ports.registry).toBe(8081);
    expect(c.dev.cacheDir).toBe(join(home, 'cache', 'streamctl'));
  });

  it('applies defaults < user file < project file < env < flags', () => {
    const { home, project } = sandbox();
    writeFileSync(join(home, 'streamctl', 'config.yaml'), 'dev:\n  portOffset: 1\n  brokers: 3\n  ports:\n    postgres: 6000\n');
    writeFileSync(join(project, 'streamctl.yaml'), 'dev:\n  portOffset: 2\n');
    const env = { XDG_CONFIG_HOME: home };
    const cwd = join(project, 'sub', 'dir');
    expect(resolveConfig({ env, cwd }).dev).toMatchObject({ portOffset: 2, brokers: 3, ports: { postgres: 6000 } });
    expect(resolveConfig({ env: { ...env, STREAMCTL_DEV_PORT_OFFSET: '3' }, cwd }).dev.portOffset).toBe(3);
    expect(resolveConfig({ env: { ...env, STREAMCTL_DEV_PORT_OFFSET: '3' }, cwd, flags: { dev: { portOffset: 4 } } }).dev.portOffset).toBe(
      4,
    );
  });

  it('stops searching for the project file at the git root', () => {
    const { root, home, project } = sandbox();
    writeFileSync(join(root, 'streamctl.yaml'), 'dev:\n  brokers: 3\n');
    expect(resolveConfig({ env: { XDG_CONFIG_HOME: home }, cwd: project }).dev.brokers).toBe(1);
  });

  it('names the file of an unknown key', () => {
    const { home, project } = sandbox();
    writeFileSync(join(project, 'streamctl.yaml'), 'dev:\n  brokerz: 3\n');
    expect(() => resolveConfig({ env: { XDG_CONFIG_HOME: home }, cwd: project })).toThrow(
      /unknown config key "dev.brokerz" in .*streamctl.yaml/,
    );
  });

  it('rejects wrong types, bad YAML, bad env and bad broker counts', () => {
    const { home, project } = sandbox();
    const env = { XDG_CONFIG_HOME: home };
    writeFileSync(join(project, 'streamctl.yaml'), 'dev:\n  brokers: three\n');
    expect(() => resolveConfig({ env, cwd: project })).toThrow(/"dev.brokers" must be a number/);
    writeFileSync(join(project, 'streamctl.yaml'), 'dev: [\n');
    expect(() => resolveConfig({ env, cwd: project })).toThrow(/invalid YAML/);
    writeFileSync(join(project, 'streamctl.yaml'), '');
    expect(() => resolveConfig({ env: { ...env, STREAMCTL_DEV_BROKERS: 'x' }, cwd: project })).toThrow(/STREAMCTL_DEV_BROKERS/);
    expect(() => resolveConfig({ env, cwd: project, flags: { dev: { brokers: 2 } } })).toThrow(/broker count 2/);
  });
});

describe('schemas.subjects', () => {
  it('accepts user-named subjects with file and level, and rejects unknown keys', () => {
    const { home, project } = sandbox();
    const env = { XDG_CONFIG_HOME: home };
    writeFileSync(
      join(project, 'streamctl.yaml'),
      'schemas:\n  subjects:\n    transactions-value:\n      file: schemas/transaction_event.avsc\n      level: FULL\n',
    );
    expect(resolveConfig({ env, cwd: project }).schemas.subjects).toEqual({
      'transactions-value': { file: 'schemas/transaction_event.avsc', level: 'FULL' },
    });
    writeFileSync(join(project, 'streamctl.yaml'), 'schemas:\n  subjects:\n    x-value:\n      file: a.avsc\n      levle: FULL\n');
    expect(() => resolveConfig({ env, cwd: project })).toThrow(/unknown config key "schemas.subjects.x-value.levle"/);
    writeFileSync(join(project, 'streamctl.yaml'), 'schemas:\n  subjects:\n    x-value: {}\n');
    expect(() => resolveConfig({ env, cwd: project })).toThrow(/needs a "file"/);
  });
});
