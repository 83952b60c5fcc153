import { Command } from 'commander';
import type { Io } from '../../io.js';
import { platformDown, type DownResult } from '../../platform/platform.js';
import type { Style } from '../../output/style.js';
import { renderTable } from '../../output/table.js';
import { loadConfig, parseIntOption, printResult, withProgress } from '../shared.js';

function downView(result: DownResult, style: Style): string {
  if (result.stopped.length === 0) return style.dim(`the local platform was not running${result.purged ? '; its data was deleted' : ''}`);
  const table = renderTable(
    ['service', 'result'],
    result.stopped.map((s) => [s.id, s.how]),
    style,
  );
  return `${table}\n${result.purged ? 'data deleted' : style.dim('data kept; `streamctl dev down --purge` deletes it')}`;
}

export function downCommand(io: Io): Command {
  return new Command('down')
    .description('stop every local platform service (SIGTERM, then SIGKILL after a timeout); data is kept unless --purge')
    .option('--purge', 'also delete data, logs and config of the local platform (not the download cache)', false)
    .option('--timeout <seconds>', 'grace period per service before it is killed', parseIntOption('--timeout'), 30)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl dev down
  $ streamctl dev down --purge`,
    )
    .action(async (opts: { purge: boolean; timeout: number }, cmd: Command) => {
      const config = loadConfig(io);
      const result = await withProgress(io, (progress) =>
        platformDown(config.dev, { purge: opts.purge, timeoutMs: opts.timeout * 1000 }, { progress }),
      );
      printResult(io, cmd, { data: result, table: downView });
    });
}
