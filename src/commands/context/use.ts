import { Command } from 'commander';
import { CONTEXT_ENV, findProjectFile, resolveConfig } from '../../config/index.js';
import { useContext } from '../../config/user-file.js';
import type { Io } from '../../io.js';
import { colorEnabled, makeStyle } from '../../output/style.js';
import { printResult } from '../shared.js';

export function useCommand(io: Io): Command {
  return new Command('use')
    .description('make a context the default: writes currentContext into the user file')
    .argument('<name>', 'the context ("local" for the local platform)')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl context use staging
  $ streamctl context use local

STREAMCTL_CONTEXT, --context and "context:" in a project's streamctl.yaml still win over it.`,
    )
    .action((name: string, _opts: unknown, cmd: Command) => {
      const file = useContext(io.env, name);
      // Say so when something with higher precedence still picks another context here.
      const effective = resolveConfig({ env: io.env, cwd: io.cwd }).context;
      const note =
        effective.name !== name
          ? `${effective.source.startsWith('context in') ? findProjectFile(io.cwd) : effective.source === CONTEXT_ENV ? CONTEXT_ENV : effective.source} selects "${effective.name}" here, which takes precedence`
          : undefined;
      printResult(io, cmd, {
        data: { currentContext: name, file, ...(note ? { note } : {}) },
        table: (d) => {
          const style = makeStyle(colorEnabled(io.stdout, io.env));
          return `switched to context ${style.bold(d.currentContext)} (${d.file})${d.note ? `\n${style.yellow(`note: ${d.note}`)}` : ''}`;
        },
      });
    });
}
