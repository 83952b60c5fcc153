import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { CACHE_ENTRIES } from '../versions.js';
import type { ServiceDef } from '../types.js';
import type { ServiceContext } from './context.js';
import { serviceMarker } from './java.js';

/**
 * Memory of the session cluster, sized for a 2-core / 24 GiB machine that
 * also runs Kafka, the registry and Postgres: a 1 GiB JobManager and one
 * 4 GiB TaskManager with 6 slots (enough for the pipeline's three jobs at
 * parallelism 1, with room for a job to be upgraded beside itself).
 */
export const FLINK_MEMORY = { jobManager: '1024m', taskManager: '4096m', slots: 6, gatewayHeap: '768m' } as const;

/** Java 17 needs these opens for Flink's reflection (from the shipped config.yaml's env.java.opts.all). */
const JAVA_OPENS = [
  '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED',
  '--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.net=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens=java.base/java.text=ALL-UNNAMED',
  '--add-opens=java.base/java.time=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED',
];

const LOG4J = `# Written by streamctl dev: console only; stdout goes to the service's log file.
rootLogger.level = INFO
rootLogger.appenderRef.console.ref = ConsoleAppender
logger.pekko.name = org.apache.pekko
logger.pekko.level = WARN
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = WARN
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = OFF
appender.console.name = ConsoleAppender
appender.console.type = CONSOLE
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
`;

export function flinkConfigYaml(ctx: ServiceContext): string {
  const data = ctx.layout.dataDir('flink');
  const p = ctx.ports;
  return `# Written by streamctl dev on every start (Flink 2.x reads only config.yaml).
jobmanager.rpc.address: localhost
jobmanager.rpc.port: ${p.flinkRpc}
jobmanager.bind-host: localhost
jobmanager.memory.process.size: ${FLINK_MEMORY.jobManager}
jobmanager.execution.failover-strategy: region
taskmanager.host: localhost
taskmanager.bind-host: localhost
taskmanager.rpc.port: ${p.flinkTaskManagerRpc}
taskmanager.data.port: ${p.flinkTaskManagerRpc + 1}
taskmanager.numberOfTaskSlots: ${FLINK_MEMORY.slots}
taskmanager.memory.process.size: ${FLINK_MEMORY.taskManager}
taskmanager.memory.managed.fraction: 0.2
blob.server.port: ${p.flinkBlob}
parallelism.default: 1
rest.address: localhost
rest.bind-address: 127.0.0.1
rest.port: ${p.flinkRest}
execution.checkpointing.interval: 10s
execution.checkpointing.mode: EXACTLY_ONCE
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
execution.checkpointing.num-retained: 3
execution.checkpointing.dir: file://${join(data, 'checkpoints')}
execution.checkpointing.savepoint-dir: file://${join(data, 'savepoints')}
state.backend.type: hashmap
io.tmp.dirs: ${join(data, 'tmp')}
blob.storage.directory: ${join(data, 'blob')}
web.tmpdir: ${join(data, 'web')}
web.upload.dir: ${join(data, 'web-upload')}
sql-gateway.endpoint.type: rest
sql-gateway.endpoint.rest.address: localhost
sql-gateway.endpoint.rest.bind-address: 127.0.0.1
sql-gateway.endpoint.rest.port: ${p.sqlGateway}
`;
}

function jarsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jar'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * The JobManager, TaskManager and SQL Gateway, launched with java directly
 * (no bash scripts). The classpath mirrors bin/config.sh: lib/ jars sorted,
 * then our connectors, flink-dist last.
 */
export function flinkServices(ctx: ServiceContext): ServiceDef[] {
  const home = ctx.layout.cache(CACHE_ENTRIES.flink);
  const confDir = ctx.layout.confDir('flink');
  const data = ctx.layout.dataDir('flink');
  const classpath = () => {
    const lib = jarsIn(join(home, 'lib'));
    const dist = lib.filter((j) => /flink-dist[^/]*\.jar$/.test(j));
    return [...lib.filter((j) => !dist.includes(j)), ...jarsIn(join(home, 'connectors')), ...dist].join(':');
  };
  const env = {
    ...process.env,
    FLINK_CONF_DIR: confDir,
    FLINK_PLUGINS_DIR: join(home, 'plugins'),
    FLINK_LIB_DIR: join(home, 'lib'),
    FLINK_OPT_DIR: join(home, 'opt'),
  };
  const common = (id: string) => [
    serviceMarker(ctx, id),
    ...JAVA_OPENS,
    `-Dlog.file=${ctx.layout.logFile(id)}`,
    `-Dlog4j.configurationFile=file:${join(confDir, 'log4j-console.properties')}`,
  ];
  const writeConf = () => {
    for (const d of ['checkpoints', 'savepoints', 'tmp', 'blob', 'web', 'web-upload']) mkdirSync(join(data, d), { recursive: true });
    mkdirSync(confDir, { recursive: true });
    writeFileSync(join(confDir, 'config.yaml'), flinkConfigYaml(ctx));
    writeFileSync(join(confDir, 'log4j-console.properties'), LOG4J);
  };

  /** JVM memory flags and dynamic properties as Flink's own scripts compute them. */
  const resourceParams = (which: 'GET_JM_RESOURCE_PARAMS' | 'GET_TM_RESOURCE_PARAMS'): { jvm: string[]; dynamic: string[] } => {
    let out: string;
    try {
      out = execFileSync(
        ctx.java.bin,
        [
          '-cp',
          `${join(home, 'bin', 'bash-java-utils.jar')}:${classpath()}`,
          'org.apache.flink.runtime.util.bash.BashJavaUtils',
          which,
          '--configDir',
          confDir,
        ],
        { encoding: 'utf8', env, timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (err) {
      throw new ConfigError(
        `unable to compute Flink memory settings: ${String((err as { stderr?: string }).stderr ?? err).split('\n')[0]}`,
        { cause: err },
      );
    }
    const results = out
      .split('\n')
      .filter((l) => l.startsWith('BASH_JAVA_UTILS_EXEC_RESULT:'))
      .map((l) => l.slice('BASH_JAVA_UTILS_EXEC_RESULT:'.length).trim());
    if (results.length < 2) throw new ConfigError(`unable to compute Flink memory settings: unexpected output from BashJavaUtils`);
    return { jvm: results[0]!.split(/\s+/).filter(Boolean), dynamic: results[1]!.split(/\s+/).filter(Boolean) };
  };

  let jmParams: { jvm: string[]; dynamic: string[] } | undefined;
  let tmParams: { jvm: string[]; dynamic: string[] } | undefined;

  const jobManager: ServiceDef = {
    id: 'flink-jobmanager',
    group: 'flink',
    ports: [ctx.ports.flinkRest, ctx.ports.flinkRpc, ctx.ports.flinkBlob],
    marker: serviceMarker(ctx, 'flink-jobmanager'),
    async prepare() {
      writeConf();
      jmParams = resourceParams('GET_JM_RESOURCE_PARAMS');
    },
    launch() {
      return {
        command: ctx.java.bin,
        env,
        args: [
          ...jmParams!.jvm,
          ...common('flink-jobmanager'),
          '-classpath',
          classpath(),
          'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint',
          '--configDir',
          confDir,
          ...jmParams!.dynamic,
        ],
      };
    },
  };
  const taskManager: ServiceDef = {
    id: 'flink-taskmanager',
    group: 'flink',
    ports: [ctx.ports.flinkTaskManagerRpc, ctx.ports.flinkTaskManagerRpc + 1],
    marker: serviceMarker(ctx, 'flink-taskmanager'),
    async prepare() {
      writeConf();
      tmParams = resourceParams('GET_TM_RESOURCE_PARAMS');
    },
    launch() {
      return {
        command: ctx.java.bin,
        env,
        args: [
          ...tmParams!.jvm,
          '-XX:+UseG1GC',
          ...common('flink-taskmanager'),
          '-classpath',
          classpath(),
          'org.apache.flink.runtime.taskexecutor.TaskManagerRunner',
          '--configDir',
          confDir,
          ...tmParams!.dynamic,
        ],
      };
    },
  };
  const sqlGateway: ServiceDef = {
    id: 'sql-gateway',
    group: 'sqlGateway',
    ports: [ctx.ports.sqlGateway],
    marker: serviceMarker(ctx, 'sql-gateway'),
    async prepare() {
      writeConf();
    },
    launch() {
      const gatewayJar = jarsIn(join(home, 'opt')).find((j) => j.includes('flink-sql-gateway'));
      return {
        command: ctx.java.bin,
        // The gateway has no --configDir: it reads FLINK_CONF_DIR.
        env,
        args: [
          `-Xms256m`,
          `-Xmx${FLINK_MEMORY.gatewayHeap}`,
          ...common('sql-gateway'),
          '-classpath',
          `${classpath()}:${gatewayJar}`,
          'org.apache.flink.table.gateway.SqlGateway',
        ],
      };
    },
  };
  return [jobManager, taskManager, sqlGateway];
}
