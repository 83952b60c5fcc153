import type { PortName } from './ports.js';

/** The platform's parts as scripts see them in `dev status --output json`. */
export type ServiceGroup = 'kafka' | 'registry' | 'flink' | 'sqlGateway' | 'postgres';
export const SERVICE_GROUPS: ServiceGroup[] = ['kafka', 'registry', 'flink', 'sqlGateway', 'postgres'];

/** One OS process of the platform. */
export interface ServiceDef {
  /** Stable id, also the log file's name: kafka-1, registry, flink-jobmanager, … */
  id: string;
  group: ServiceGroup;
  /** Ports it binds; checked free before it starts. */
  ports: number[];
  /** Writes its config, formats storage, runs initdb…; idempotent. */
  prepare(): Promise<void>;
  /** The command that runs it in the foreground. */
  launch(): { command: string; args: string[]; env?: NodeJS.ProcessEnv; cwd?: string };
  /** Text unique to this instance's command line (a config path) to recognise its PID. */
  marker: string;
  /** Signal for a graceful stop. Default: SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** Runs once after its group is healthy (e.g. create the pipeline database). */
  afterReady?(): Promise<void>;
}

/** What `dev up` records so that status/down/logs need no flags. */
export interface PlatformState {
  version: 1;
  brokers: number;
  ports: Record<PortName, number>;
  /** Kafka runs with the SASL_SSL listener of `dev up --secure`. Absent: false. */
  secure?: boolean;
  startedAt: string;
  services: Record<
    string,
    { pid: number; marker: string; group: ServiceGroup; logFile: string; startedAt: string; stopSignal?: NodeJS.Signals }
  >;
}

export interface Endpoints {
  kafka: { bootstrap: string };
  registry: { url: string };
  flink: { rest: string };
  sqlGateway: { url: string };
  postgres: { url: string };
}
