import { Command } from 'commander';
import type { Io } from '../../io.js';
import { pipelineDown } from '../../pipeline/down.js';
import { printResult, withProgress } from '../shared.js';
import { pipelineDeps, withScopeOptions } from './context.js';
import { downView } from './view.js';

export function downCommand(io: Io): Command {
  return withScopeOptions(new Command('down').description('stop the pipeline jobs with a savepoint each; the next `up` resumes them there'))
    .option('--cancel', 'cancel instead (no savepoint: the next up resumes from the last retained checkpoint)', false)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl pipeline down
  $ streamctl pipeline down --jobs positions
  $ streamctl pipeline down --cancel

Open windows are not fired early: they stay in the savepoint and complete after \`up\`, so the
results have no gap and no duplicate.`,
    )
    .action(async (opts: { suffix?: string; jobs?: string[]; cancel: boolean }, cmd: Command) => {
      const rows = await withProgress(io, (progress) =>
        pipelineDown(pipelineDeps(io, { progress, changes: 'stop the pipeline' }), {
          ...(opts.suffix !== undefined ? { suffix: opts.suffix } : {}),
          ...(opts.jobs ? { jobs: opts.jobs } : {}),
          cancel: opts.cancel,
        }),
      );
      printResult(io, cmd, { data: rows, table: downView });
    });
}
