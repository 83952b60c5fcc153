import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { SECURE_MECHANISM, SECURE_USER, ensureSecureMaterial, securePort, secureServerProperties, type SecureMaterial } from '../secure.js';
import { CACHE_ENTRIES } from '../versions.js';
import type { ServiceDef } from '../types.js';
import type { ServiceContext } from './context.js';
import { serviceMarker } from './java.js';

const LOG4J2 = `# Written by streamctl dev. One console appender: stdout goes to the service's log file.
status = warn
# Our own shutdown hook would drop Kafka's last lines (the clean-shutdown ones).
shutdownHook = disable
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.controller.name = kafka.controller
logger.controller.level = INFO
logger.cleaner.name = kafka.log.LogCleaner
logger.cleaner.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
logger.apache.name = org.apache.kafka
logger.apache.level = INFO
`;

/**
 * Heap per broker: one broker gets 1 GiB; three share the machine with 512 MiB
 * each. Small on purpose: local topics are small, and Flink needs the memory.
 */
export const KAFKA_HEAP = { single: '1g', perNodeOfThree: '512m' } as const;

export function kafkaServerProperties(
  ctx: ServiceContext,
  node: number,
  dataDir: string,
  secure?: Pick<SecureMaterial, 'keystoreFile' | 'keystorePassword'>,
): string {
  const n = ctx.brokers;
  const port = ctx.ports.kafka + 2 * (node - 1);
  const controllerPort = ctx.ports.kafkaController + 2 * (node - 1);
  // With --secure, a SASL_SSL listener for clients beside the plain one the platform's own services use.
  const sslPort = securePort(ctx.ports, node);
  const listeners = secure
    ? `PLAINTEXT://127.0.0.1:${port},SASL_SSL://127.0.0.1:${sslPort},CONTROLLER://127.0.0.1:${controllerPort}`
    : `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`;
  const voters = Array.from({ length: n }, (_, i) => `${i + 1}@127.0.0.1:${ctx.ports.kafkaController + 2 * i}`).join(',');
  const rf = n === 3 ? 3 : 1;
  const minIsr = n === 3 ? 2 : 1;
  return `# Written by streamctl dev on every start; edit streamctl's config, not this file.
process.roles=broker,controller
node.id=${node}
controller.quorum.voters=${voters}
listeners=${listeners}
advertised.listeners=PLAINTEXT://localhost:${port}${secure ? `,SASL_SSL://localhost:${sslPort}` : ''}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${secure ? ',SASL_SSL:SASL_SSL' : ''}
inter.broker.listener.name=PLAINTEXT
log.dirs=${dataDir}
num.partitions=1
default.replication.factor=${rf}
min.insync.replicas=${minIsr}
offsets.topic.replication.factor=${rf}
transaction.state.log.replication.factor=${rf}
transaction.state.log.min.isr=${minIsr}
share.coordinator.state.topic.replication.factor=${rf}
share.coordinator.state.topic.min.isr=${minIsr}
group.initial.rebalance.delay.ms=0
# Flink's exactly-once Kafka sink asks for transactions of up to an hour.
transaction.max.timeout.ms=3600000
auto.create.topics.enable=true
log.retention.hours=168
log.segment.bytes=268435456
num.network.threads=2
num.io.threads=4
${secure ? secureServerProperties(secure) : ''}`;
}

/** A KRaft cluster id as Kafka's Uuid.randomUuid() makes them: never one starting with '-', which tools read as an option. */
export function newClusterId(): string {
  let id: string;
  do id = randomBytes(16).toString('base64url');
  while (id.startsWith('-'));
  return id;
}

function clusterId(ctx: ServiceContext): string {
  // One id per topology, shared by its nodes; formatting needs it before any node runs.
  const file = join(ctx.layout.dataDir('kafka'), `${topology(ctx)}-cluster.id`);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(ctx.layout.dataDir('kafka'), { recursive: true });
  const id = newClusterId();
  writeFileSync(file, id + '\n');
  return id;
}

/** 1-broker, 3-broker, 1-broker-secure…: each topology is a cluster of its own (the secure one has its SCRAM user). */
function topology(ctx: ServiceContext): string {
  return `${ctx.brokers}-broker${ctx.secure ? '-secure' : ''}`;
}

export function kafkaServices(ctx: ServiceContext): ServiceDef[] {
  const libs = join(ctx.layout.cache(CACHE_ENTRIES.kafka), 'libs', '*');
  const confDir = ctx.layout.confDir('kafka');
  const heap = ctx.brokers === 1 ? KAFKA_HEAP.single : KAFKA_HEAP.perNodeOfThree;
  return Array.from({ length: ctx.brokers }, (_, i): ServiceDef => {
    const node = i + 1;
    const id = `kafka-${node}`;
    // Data of a 1-broker and a 3-broker platform live apart: their quorums differ.
    const dataDir = join(ctx.layout.dataDir('kafka'), topology(ctx), `node-${node}`);
    const props = join(confDir, `server-${node}.properties`);
    const log4j = join(confDir, 'log4j2.properties');
    const jvm = [
      serviceMarker(ctx, id),
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=file:${log4j}`,
      `-Dkafka.logs.dir=${ctx.layout.logsDir}`,
    ];
    return {
      id,
      group: 'kafka',
      ports: [ctx.ports.kafka + 2 * i, ctx.ports.kafkaController + 2 * i, ...(ctx.secure ? [securePort(ctx.ports, node)] : [])],
      marker: serviceMarker(ctx, id),
      async prepare() {
        mkdirSync(confDir, { recursive: true });
        writeFileSync(log4j, LOG4J2);
        const secure = ctx.secure ? ensureSecureMaterial(ctx.layout, ctx.java) : undefined;
        writeFileSync(props, kafkaServerProperties(ctx, node, dataDir, secure), { mode: 0o600 });
        if (existsSync(join(dataDir, 'meta.properties'))) return;
        mkdirSync(dataDir, { recursive: true });
        // SCRAM users of a KRaft cluster are created when its storage is formatted. The id is
        // attached with '=': a home's older id may start with '-' (1 in 64 did), which
        // StorageTool's parser took for an option ("--cluster-id: expected one argument").
        const scram = secure ? ['--add-scram', `${SECURE_MECHANISM}=[name=${SECURE_USER},password=${secure.password}]`] : [];
        try {
          execFileSync(
            ctx.java.bin,
            [...jvm, '-cp', libs, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId(ctx)}`, '-c', props, ...scram],
            {
              stdio: ['ignore', 'pipe', 'pipe'],
              timeout: 120_000,
            },
          );
        } catch (err) {
          const out = `${(err as { stdout?: Buffer }).stdout ?? ''}${(err as { stderr?: Buffer }).stderr ?? ''}`.trim().split('\n').pop();
          throw new ConfigError(`unable to format Kafka storage for ${id} in ${dataDir}: ${out || 'StorageTool failed'}`, { cause: err });
        }
      },
      launch() {
        return {
          command: ctx.java.bin,
          args: [
            `-Xms${heap}`,
            `-Xmx${heap}`,
            '-XX:+UseG1GC',
            '-XX:MaxGCPauseMillis=20',
            '-XX:InitiatingHeapOccupancyPercent=35',
            '-XX:+ExplicitGCInvokesConcurrent',
            // A broker out of memory should die and show up as down, not limp on.
            '-XX:+ExitOnOutOfMemoryError',
            ...jvm,
            '-cp',
            libs,
            'kafka.Kafka',
            props,
          ],
        };
      },
    };
  });
}
