import { chmodSync, existsSync, rmSync } from 'node:fs';
import { ConfigError, ConnectionError, describeCause } from '../errors.js';
import type { DevConfig } from '../config/index.js';
import { silentProgress, type ProgressSink } from '../progress.js';
import { ensureArtifacts } from './artifacts.js';
import { probeGroup, type Health } from './health.js';
import { Layout, endpointsFor, portsOf } from './layout.js';
import { isPortFree } from './ports-check.js';
import { findJava, findPostgresBin } from './prereqs.js';
import { isOurProcess, launchDetached, sleep, stopProcess } from './process.js';
import { buildServices } from './services/index.js';
import { SERVICE_GROUPS, type Endpoints, type PlatformState, type ServiceDef, type ServiceGroup } from './types.js';

export interface PlatformDeps {
  /** Where progress goes. Default: nowhere. */
  progress?: ProgressSink;
  env?: NodeJS.ProcessEnv;
}

export interface GroupStatus {
  healthy: boolean;
  detail: string;
  /** PIDs of this group's processes that are alive. */
  pids: number[];
}

export interface StatusResult {
  running: boolean;
  home: string;
  brokers: number;
  kafka: GroupStatus & Endpoints['kafka'];
  registry: GroupStatus & Endpoints['registry'];
  flink: GroupStatus & Endpoints['flink'];
  sqlGateway: GroupStatus & Endpoints['sqlGateway'];
  postgres: GroupStatus & Endpoints['postgres'];
}

export interface UpResult {
  /** True when everything was already running and healthy: `up` did nothing. */
  alreadyRunning: boolean;
  started: string[];
  status: StatusResult;
}

export interface UpOptions {
  /** Whether `dev.brokers` came from a flag (a mismatch with a running platform is then an error). Default: false. */
  brokersExplicit?: boolean;
  /** How long to wait for every service to become healthy. Default: 240 s. */
  timeoutMs?: number;
}

const LOG_HINT = (logFile: string) => `see ${logFile}`;

function aliveServices(state: PlatformState | undefined): Set<string> {
  const alive = new Set<string>();
  if (!state) return alive;
  for (const [id, s] of Object.entries(state.services)) if (isOurProcess(s.pid, s.marker)) alive.add(id);
  return alive;
}

export async function platformStatus(dev: DevConfig, timeoutMs?: number): Promise<StatusResult> {
  const layout = Layout.from(dev);
  const state = layout.readState();
  const ports = state?.ports ?? portsOf(dev);
  const brokers = state?.brokers ?? dev.brokers;
  const endpoints = endpointsFor(ports, brokers);
  const alive = aliveServices(state);
  const groups = await Promise.all(
    SERVICE_GROUPS.map(async (group): Promise<[ServiceGroup, GroupStatus]> => {
      const recorded = Object.entries(state?.services ?? {}).filter(([, s]) => s.group === group);
      const pids = recorded.filter(([id]) => alive.has(id)).map(([, s]) => s.pid);
      const down = recorded.filter(([id]) => !alive.has(id)).map(([id]) => id);
      if (recorded.length === 0) return [group, { healthy: false, detail: 'not running', pids }];
      if (down.length > 0) return [group, { healthy: false, detail: `not running: ${down.join(', ')}`, pids }];
      const health = await probeGroup(group, endpoints, brokers, timeoutMs);
      return [group, { ...health, pids }];
    }),
  );
  const byGroup = Object.fromEntries(groups) as Record<ServiceGroup, GroupStatus>;
  return {
    running: alive.size > 0,
    home: layout.home,
    brokers,
    kafka: { ...endpoints.kafka, ...byGroup.kafka },
    registry: { ...endpoints.registry, ...byGroup.registry },
    flink: { ...endpoints.flink, ...byGroup.flink },
    sqlGateway: { ...endpoints.sqlGateway, ...byGroup.sqlGateway },
    postgres: { ...endpoints.postgres, ...byGroup.postgres },
  };
}

export function allHealthy(status: StatusResult): boolean {
  return SERVICE_GROUPS.every((g) => status[g].healthy);
}

export async function platformUp(dev: DevConfig, options: UpOptions = {}, deps: PlatformDeps = {}): Promise<UpResult> {
  const progress = deps.progress ?? silentProgress;
  const env = deps.env ?? process.env;
  const layout = Layout.from(dev);
  layout.ensureDirs();
  // Postgres runs as its own OS user under root; it must be able to walk into home.
  if (process.getuid?.() === 0) chmodSync(layout.home, 0o755);

  const previous = layout.readState();
  const alive = aliveServices(previous);
  if (previous && alive.size > 0 && options.brokersExplicit && previous.brokers !== dev.brokers) {
    throw new ConfigError(`the local platform is already running with ${previous.brokers} broker${previous.brokers === 1 ? '' : 's'}`, {
      hint: `run \`streamctl dev down\` first, then \`streamctl dev up --brokers ${dev.brokers}\``,
    });
  }
  // A running platform keeps the ports and topology it was started with.
  const ports = previous && alive.size > 0 ? previous.ports : portsOf(dev);
  const brokers = previous && alive.size > 0 ? previous.brokers : dev.brokers;
  const running = previous && alive.size > 0;
  if (running && dev.secure && !previous.secure) {
    throw new ConfigError('the local platform is already running without the secure listener', {
      hint: 'run `streamctl dev down` first, then `streamctl dev up --secure`',
    });
  }
  const secure = running ? previous.secure === true : dev.secure;

  const java = findJava(17, env);
  const java21 = findJava(21, env);
  const pgBin = findPostgresBin(env);
  const services = buildServices({ layout, ports, brokers, java, java21, pgBin, secure });
  if (alive.size > 0 && services.every((s) => alive.has(s.id))) {
    const status = await platformStatus(dev);
    if (allHealthy(status)) return { alreadyRunning: true, started: [], status };
  }

  await ensureArtifacts(layout, progress);

  const toStart = services.filter((s) => !alive.has(s.id));
  for (const s of toStart) {
    for (const port of s.ports) {
      if (!(await isPortFree(port))) {
        throw new ConnectionError(`unable to start ${s.id}: port ${port} is already in use`, {
          hint: 'stop whatever listens there, or pick other ports (dev.ports in streamctl.yaml, or STREAMCTL_DEV_PORT_OFFSET)',
        });
      }
    }
  }

  const state: PlatformState =
    previous && alive.size > 0
      ? previous
      : { version: 1, brokers, ports, ...(secure ? { secure } : {}), startedAt: new Date().toISOString(), services: {} };
  const started: ServiceDef[] = [];
  try {
    for (const s of toStart) {
      progress({ task: `start ${s.id}`, state: 'start', detail: 'preparing' });
      try {
        await s.prepare();
      } catch (err) {
        progress({ task: `start ${s.id}`, state: 'fail' });
        throw err;
      }
    }
    for (const s of toStart) {
      const logFile = layout.logFile(s.id);
      const spec = s.launch();
      let pid: number;
      try {
        pid = await launchDetached({ ...spec, logFile });
      } catch (err) {
        throw new ConfigError(`unable to start ${s.id}: ${describeCause(err)}`, { hint: LOG_HINT(logFile), cause: err });
      }
      started.push(s);
      state.services[s.id] = {
        pid,
        marker: s.marker,
        group: s.group,
        logFile,
        startedAt: new Date().toISOString(),
        ...(s.stopSignal ? { stopSignal: s.stopSignal } : {}),
      };
      layout.writeState(state);
      progress({ task: `start ${s.id}`, state: 'update', detail: `pid ${pid}, waiting until healthy` });
    }
    await waitHealthy(
      services,
      state,
      endpointsFor(ports, brokers),
      brokers,
      options.timeoutMs ?? 240_000,
      progress,
      new Set(toStart.map((s) => s.id)),
    );
    for (const s of services) {
      if (s.afterReady && toStart.includes(s)) await s.afterReady();
    }
  } catch (err) {
    // Nothing half-running: stop what this call started, newest first.
    for (const s of [...started].reverse()) {
      const rec = state.services[s.id];
      if (rec) await stopProcess(rec.pid, rec.marker, { signal: s.stopSignal ?? 'SIGTERM', timeoutMs: 15_000 });
      delete state.services[s.id];
    }
    if (Object.keys(state.services).length === 0) rmSync(layout.stateFile, { force: true });
    else layout.writeState(state);
    throw err;
  }
  return { alreadyRunning: false, started: started.map((s) => s.id), status: await platformStatus(dev) };
}

/**
 * Waits until every group is healthy. A process that dies while we wait is
 * fatal at once (its log file is named) rather than after the timeout.
 */
async function waitHealthy(
  services: ServiceDef[],
  state: PlatformState,
  endpoints: Endpoints,
  brokers: number,
  timeoutMs: number,
  progress: ProgressSink,
  starting: Set<string>,
): Promise<void> {
  const t0 = Date.now();
  const deadline = t0 + timeoutMs;
  const pending = new Set<ServiceGroup>(services.map((s) => s.group));
  const last = new Map<ServiceGroup, Health>();
  // Until its database exists, Postgres is probed through the maintenance database.
  const probeEndpoints: Endpoints = { ...endpoints, postgres: { url: endpoints.postgres.url.replace(/\/[^/]+$/, '/postgres') } };
  while (pending.size > 0) {
    for (const s of services) {
      const rec = state.services[s.id];
      if (rec && !isOurProcess(rec.pid, rec.marker)) {
        progress({ task: `start ${s.id}`, state: 'fail', detail: 'exited' });
        throw new ConnectionError(`unable to start ${s.id}: the process exited while starting`, { hint: LOG_HINT(rec.logFile) });
      }
    }
    await Promise.all(
      [...pending].map(async (group) => {
        const h = await probeGroup(group, probeEndpoints, brokers, 2_000);
        last.set(group, h);
        if (h.healthy) {
          pending.delete(group);
          for (const s of services.filter((x) => x.group === group && starting.has(x.id))) {
            progress({ task: `start ${s.id}`, state: 'done', detail: `healthy after ${((Date.now() - t0) / 1000).toFixed(1)}s` });
          }
        }
      }),
    );
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      const group = [...pending][0]!;
      const s = services.find((x) => x.group === group)!;
      throw new ConnectionError(
        `unable to start ${s.id}: not healthy after ${Math.round(timeoutMs / 1000)}s (${last.get(group)?.detail ?? 'no answer'})`,
        {
          hint: LOG_HINT(state.services[s.id]?.logFile ?? ''),
        },
      );
    }
    await sleep(500);
  }
}

export interface DownResult {
  stopped: { id: string; how: 'stopped' | 'killed' | 'not-running' }[];
  purged: boolean;
}

/** Stops every recorded service, newest first, gracefully then forcibly. */
export async function platformDown(
  dev: DevConfig,
  options: { purge?: boolean; timeoutMs?: number } = {},
  deps: PlatformDeps = {},
): Promise<DownResult> {
  const progress = deps.progress ?? silentProgress;
  const layout = Layout.from(dev);
  const state = layout.readState();
  const stopped: DownResult['stopped'] = [];
  if (state) {
    const ids = Object.keys(state.services);
    // Stop in dependency waves, in parallel within a wave: Flink and the registry
    // first (they are Kafka's and Postgres's clients), then Kafka, then Postgres.
    const waves: string[][] = [
      ids.filter((id) => !id.startsWith('kafka') && id !== 'postgres'),
      ids.filter((id) => id.startsWith('kafka')),
      ids.filter((id) => id === 'postgres'),
    ];
    for (const wave of waves) {
      await Promise.all(
        wave.map(async (id) => {
          const rec = state.services[id]!;
          progress({ task: `stop ${id}`, state: 'start' });
          const how = await stopProcess(rec.pid, rec.marker, {
            signal: rec.stopSignal ?? 'SIGTERM',
            timeoutMs: options.timeoutMs ?? 30_000,
          });
          progress({
            task: `stop ${id}`,
            state: how === 'not-running' ? 'skip' : 'done',
            detail: how === 'not-running' ? 'was not running' : how,
          });
          stopped.push({ id, how });
        }),
      );
    }
    rmSync(layout.stateFile, { force: true });
  }
  if (options.purge && existsSync(layout.home)) {
    rmSync(layout.home, { recursive: true, force: true });
  }
  return { stopped, purged: options.purge === true };
}
