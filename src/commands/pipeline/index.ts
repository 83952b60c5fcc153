import { Command } from 'commander';
import type { Io } from '../../io.js';
import { downCommand } from './down.js';
import { rebuildCommand } from './rebuild.js';
import { renderCommand } from './render.js';
import { statusCommand } from './status.js';
import { upCommand } from './up.js';

export function pipelineCommand(io: Io): Command {
  return new Command('pipeline')
    .description("the platform's own Flink jobs: transaction analytics, the positions projection and count windows")
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl pipeline up                    topics, schemas, tables and the three jobs; waits until they run
  $ streamctl pipeline status                each job's state, last checkpoint and table rows
  $ streamctl pipeline rebuild positions     empty its tables and replay the log from the earliest offset
  $ streamctl pipeline down                  stop every job with a savepoint (the next up resumes there)
  $ streamctl pipeline render analytics      the SQL exactly as up submits it`,
    )
    .addCommand(upCommand(io))
    .addCommand(statusCommand(io))
    .addCommand(rebuildCommand(io))
    .addCommand(downCommand(io))
    .addCommand(renderCommand(io));
}
