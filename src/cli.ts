import { Command, Option } from 'commander';
import { consumeCommand } from './commands/consume/index.js';
import { contextCommand } from './commands/context/index.js';
import { devCommand } from './commands/dev/index.js';
import { pipelineCommand } from './commands/pipeline/index.js';
import { lagCommand } from './commands/lag/index.js';
import { groupsCommand } from './commands/groups/index.js';
import { flinkCommand } from './commands/flink/index.js';
import { produceCommand } from './commands/produce/index.js';
import { schemasCommand } from './commands/schemas/index.js';
import { topCommand } from './commands/top/index.js';
import { topicsCommand } from './commands/topics/index.js';
import { OUTPUT_FORMATS } from './output/printer.js';
import type { Io } from './io.js';
import { VERSION } from './version.js';

/** Builds the whole command tree; each noun registers its verbs. */
export function createProgram(io: Io): Command {
  const program = new Command('streamctl')
    .description("The operator's terminal toolkit for a Kafka + Flink + Avro streaming platform.")
    .version(VERSION, '-V, --version', 'print the streamctl version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('-v, --verbose', 'show causes and stack traces of errors', false)
    .option('--context <name>', 'the context (cluster) to use (default: STREAMCTL_CONTEXT, the project file, then currentContext)')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl dev up                 start the local platform (Kafka, registry, Flink, Postgres)
  $ streamctl dev status -o json     health of every service, for scripts
  $ streamctl dev down               stop it, keeping data
  $ streamctl top                    live dashboard: consumer lag, throughput, Flink jobs
  $ streamctl flink jobs             Flink jobs with rates, backpressure and checkpoints
  $ streamctl --context staging topics list   the topics of a configured context

Exit codes: 0 ok, 1 a check failed or data was not delivered, 2 usage, config or connection error.`,
    );

  program.addCommand(devCommand(io));
  program.addCommand(produceCommand(io));
  program.addCommand(schemasCommand(io));
  program.addCommand(topCommand(io));
  program.addCommand(lagCommand(io));
  program.addCommand(flinkCommand(io));
  program.addCommand(contextCommand(io));
  program.addCommand(topicsCommand(io));
  program.addCommand(consumeCommand(io));
  program.addCommand(pipelineCommand(io));
  program.addCommand(groupsCommand(io));
  applyToAll(program, io);
  // Global flags that shape configuration reach every command's loadConfig through io.
  program.hook('preAction', (_program, action) => {
    const { context } = action.optsWithGlobals() as { context?: string };
    io.configFlags = context !== undefined ? { context } : {};
  });
  return program;
}

/**
 * Commands built with `new Command()` and added with addCommand inherit no
 * settings, so output routing, exit handling and suggestions are applied to
 * the whole tree here, once.
 */
function applyToAll(cmd: Command, io: Io): void {
  cmd
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  for (const sub of cmd.commands) applyToAll(sub, io);
}
