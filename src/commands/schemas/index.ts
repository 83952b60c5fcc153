import { Command } from 'commander';
import type { Io } from '../../io.js';
import { checkCommand } from './check.js';
import { diffCommand } from './diff.js';
import { listCommand } from './list.js';
import { registerCommand } from './register.js';
import { showCommand } from './show.js';

export function schemasCommand(io: Io): Command {
  return new Command('schemas')
    .description('Avro schemas: lint and compatibility gate (registry or git), register, list, show and diff')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl schemas check                         lint + compatibility of every mapped schema vs the registry
  $ streamctl schemas check --against git:main      the same, offline, against the files on main
  $ streamctl schemas register --dry-run            what would be registered
  $ streamctl schemas list                          subjects, versions and levels
  $ streamctl schemas diff transactions-value       what the file changes against the latest version`,
    )
    .addCommand(checkCommand(io))
    .addCommand(registerCommand(io))
    .addCommand(listCommand(io))
    .addCommand(showCommand(io))
    .addCommand(diffCommand(io));
}
