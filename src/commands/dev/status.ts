import { Command } from 'commander';
import { CheckFailedError } from '../../errors.js';
import type { Io } from '../../io.js';
import { allHealthy, platformStatus } from '../../platform/platform.js';
import { loadConfig, printResult } from '../shared.js';
import { statusTable } from './status-view.js';

export function statusCommand(io: Io): Command {
  return new Command('status')
    .description('show the health and endpoints of every local platform service')
    .option('--check', 'exit 1 unless every service is healthy (for scripts)', false)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl dev status
  $ streamctl dev status -o json | jq -r .kafka.bootstrap
  $ streamctl dev status --check && echo ready`,
    )
    .action(async (opts: { check: boolean }, cmd: Command) => {
      const config = loadConfig(io);
      const status = await platformStatus(config.dev);
      printResult(io, cmd, { data: status, table: statusTable });
      if (opts.check && !allHealthy(status)) {
        throw new CheckFailedError('the local platform is not healthy', { hint: 'start it with `streamctl dev up`' });
      }
    });
}
