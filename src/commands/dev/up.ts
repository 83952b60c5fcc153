import { Command, Option } from 'commander';
import type { Io } from '../../io.js';
import { platformUp, type UpResult } from '../../platform/platform.js';
import { writeSecureContext, type SecureContextResult } from '../../platform/secure-context.js';
import type { Style } from '../../output/style.js';
import { loadConfig, parseIntOption, printResult, withProgress } from '../shared.js';
import { statusTable } from './status-view.js';

export function upView(result: UpResult & { secure?: SecureContextResult }, style: Style): string {
  const head = result.alreadyRunning
    ? style.dim('the local platform is already running; nothing to do')
    : `started ${result.started.length} service${result.started.length === 1 ? '' : 's'} in ${result.status.home}`;
  const s = result.secure;
  const secure = s
    ? `\n\nsecure listener ${s.bootstrap} (SASL_SSL, ${s.mechanism}, user ${s.username}); context ${style.bold(s.context)} written to ${s.file}\n${style.dim(`use it with \`streamctl --context ${s.context} …\``)}`
    : '';
  return `${head}\n\n${statusTable(result.status, style)}${secure}`;
}

export function upCommand(io: Io): Command {
  return new Command('up')
    .description('start the local platform and wait until every service is healthy (a no-op when it already runs)')
    .addOption(
      new Option('--brokers <n>', 'Kafka brokers: 1, or 3 for a replicated cluster (RF 3, min.insync.replicas 2)').argParser(
        parseIntOption('--brokers'),
      ),
    )
    .option('--port-offset <n>', 'add N to every default port, to run a second platform beside the first', parseIntOption('--port-offset'))
    .option('--timeout <seconds>', 'how long to wait for the services to become healthy', parseIntOption('--timeout'), 240)
    .option('--secure', 'also give Kafka a SASL_SSL listener (SCRAM-SHA-512, TLS from a local CA) and write the context local-secure')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl dev up
  $ streamctl dev up --brokers 3
  $ STREAMCTL_DEV_HOME=/tmp/p2 streamctl dev up --port-offset 10000
  $ streamctl dev up --secure && streamctl --context local-secure topics list

The first run fetches the platform (about 700 MB) into the cache
($STREAMCTL_CACHE_DIR, default ~/.cache/streamctl); later runs start from it offline.`,
    )
    .action(async (opts: { brokers?: number; portOffset?: number; timeout: number; secure?: boolean }, cmd: Command) => {
      const config = loadConfig(io, {
        dev: {
          ...(opts.brokers !== undefined ? { brokers: opts.brokers } : {}),
          ...(opts.portOffset !== undefined ? { portOffset: opts.portOffset } : {}),
          ...(opts.secure ? { secure: true } : {}),
        },
      });
      const result = await withProgress(io, (progress) =>
        platformUp(config.dev, { brokersExplicit: opts.brokers !== undefined, timeoutMs: opts.timeout * 1000 }, { progress, env: io.env }),
      );
      const secure = writeSecureContext(config.dev, io.env);
      printResult(io, cmd, { data: { ...result, ...(secure ? { secure } : {}) }, table: upView });
    });
}
