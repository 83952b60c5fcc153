import { Command } from 'commander';
import { effectiveContextView } from '../../config/context-view.js';
import { resolveConfig } from '../../config/index.js';
import type { Io } from '../../io.js';
import { contextShowView } from '../../output/context.js';
import { loadConfig, printResult } from '../shared.js';

export function showCommand(io: Io): Command {
  return new Command('show')
    .description('show the effective settings of a context and where each comes from; secrets are never printed')
    .argument('[name]', 'the context (default: the current one)')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl context show
  $ streamctl context show staging -o json

Passwords show where they are read from: (from env NAME), (from file PATH), or **** for
one written in the file. URLs show **** for a password. Key files are named, never read.`,
    )
    .action((name: string | undefined, _opts: unknown, cmd: Command) => {
      const current = loadConfig(io);
      const config = name === undefined ? current : resolveConfig({ env: io.env, cwd: io.cwd, context: name });
      printResult(io, cmd, { data: effectiveContextView(config, current.context), table: contextShowView });
    });
}
