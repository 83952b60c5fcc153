import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DevConfig } from '../config/index.js';
import { ConfigError, describeCause } from '../errors.js';
import { effectivePorts, type PortName } from './ports.js';
import type { Endpoints, PlatformState } from './types.js';

/**
 * Where everything of one local platform lives:
 *   <home>/state.json         pids and ports of the running platform
 *   <home>/logs/<service>.log each service's stdout/stderr and own log
 *   <home>/data/<service>/    data (kept by `down`, removed by `down --purge`)
 *   <home>/conf/<service>/    generated config, rewritten on every `up`
 */
export class Layout {
  constructor(
    readonly home: string,
    readonly cacheDir: string,
  ) {}

  static from(dev: DevConfig): Layout {
    return new Layout(dev.home, dev.cacheDir);
  }

  get stateFile(): string {
    return join(this.home, 'state.json');
  }
  get logsDir(): string {
    return join(this.home, 'logs');
  }
  logFile(service: string): string {
    return join(this.logsDir, `${service}.log`);
  }
  dataDir(service: string): string {
    return join(this.home, 'data', service);
  }
  confDir(service: string): string {
    return join(this.home, 'conf', service);
  }
  cache(entry: string): string {
    return join(this.cacheDir, entry);
  }

  ensureDirs(): void {
    for (const d of [this.home, this.logsDir, join(this.home, 'data'), join(this.home, 'conf'), this.cacheDir]) {
      mkdirSync(d, { recursive: true, mode: 0o755 });
    }
  }

  readState(): PlatformState | undefined {
    if (!existsSync(this.stateFile)) return undefined;
    try {
      return JSON.parse(readFileSync(this.stateFile, 'utf8')) as PlatformState;
    } catch (err) {
      throw new ConfigError(`unable to read platform state ${this.stateFile}: ${describeCause(err)}`, {
        hint: 'stop any leftover services by hand, then delete the file',
      });
    }
  }

  /** The recorded state, or undefined when absent or unreadable (for defaults, where an error would not help). */
  readStateQuietly(): PlatformState | undefined {
    try {
      return this.readState();
    } catch {
      return undefined;
    }
  }

  writeState(state: PlatformState): void {
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
    renameSync(tmp, this.stateFile);
  }
}

/** Client-facing addresses for a platform with these ports. */
export function endpointsFor(ports: Record<PortName, number>, brokers: number): Endpoints {
  const bootstrap = Array.from({ length: brokers }, (_, i) => `localhost:${ports.kafka + 2 * i}`).join(',');
  return {
    kafka: { bootstrap },
    registry: { url: `http://localhost:${ports.registry}/apis/ccompat/v7` },
    flink: { rest: `http://localhost:${ports.flinkRest}` },
    sqlGateway: { url: `http://localhost:${ports.sqlGateway}` },
    postgres: { url: `postgres://streamctl@localhost:${ports.postgres}/streamctl` },
  };
}

export function portsOf(dev: DevConfig): Record<PortName, number> {
  return effectivePorts(dev.ports, dev.portOffset);
}
