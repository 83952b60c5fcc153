import { Command } from 'commander';
import { CheckFailedError } from '../../errors.js';
import type { Io } from '../../io.js';
import { pipelineStatus } from '../../pipeline/status.js';
import { printResult } from '../shared.js';
import { pipelineDeps, withScopeOptions } from './context.js';
import { statusView } from './view.js';

export function statusCommand(io: Io): Command {
  return withScopeOptions(new Command('status').description("each pipeline job's state, last checkpoint and table rows"))
    .option('--check', 'exit 1 unless every job runs (for scripts)', false)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl pipeline status
  $ streamctl pipeline status --check && echo up`,
    )
    .action(async (opts: { suffix?: string; jobs?: string[]; check: boolean }, cmd: Command) => {
      const result = await pipelineStatus(pipelineDeps(io), {
        ...(opts.suffix !== undefined ? { suffix: opts.suffix } : {}),
        ...(opts.jobs ? { jobs: opts.jobs } : {}),
      });
      printResult(io, cmd, { data: result, table: statusView });
      if (opts.check && !result.up) throw new CheckFailedError('the pipeline is not up', { hint: 'start it with `streamctl pipeline up`' });
    });
}
