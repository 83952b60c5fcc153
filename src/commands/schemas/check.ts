import { Command, Option } from 'commander';
import { CheckFailedError, UsageError, type StreamctlError } from '../../errors.js';
import type { Io } from '../../io.js';
import { checkView, renderGithub, renderJunit } from '../../output/schemas.js';
import { parseAgainst, runCheck, type CheckResult } from '../../schemas/check-run.js';
import type { CompatibilityLevel } from '../../schemas/compat.js';
import { SchemaParseError } from '../../schemas/parse.js';
import { globals, printResult } from '../shared.js';
import { levelOption, schemasContext } from './context.js';

export const REPORT_FORMATS = ['github', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * Prints a check result as -o or --format asks. The two are alternatives:
 * JSON and JUnit at once have no meaning on one stdout.
 */
export function printCheck(io: Io, cmd: Command, result: CheckResult, format: ReportFormat | undefined): void {
  if (format === undefined) return printResult(io, cmd, { data: result, table: checkView });
  io.stdout.write(`${format === 'github' ? renderGithub(result) : renderJunit(result)}\n`);
}

export function checkFormatOption(cmd: Command, format: ReportFormat | undefined): void {
  if (format !== undefined && globals(cmd).output !== 'table') {
    throw new UsageError(`--format ${format} and -o ${globals(cmd).output} are alternatives`, { hint: 'use one of them' });
  }
}

/**
 * The error a failed check ends with, once its result is printed. A file that
 * is not an Avro schema, or a baseline that can't be used, is bad input (exit
 * 2, naming the first with its file:line:col); incompatibilities and lint
 * errors fail the check (exit 1).
 */
export function checkFailed(result: CheckResult): StreamctlError {
  const s = result.summary;
  const others = (n: number): string => (n > 0 ? ` (and ${n} more failed check${n === 1 ? '' : 's'}, listed above)` : '');
  const invalid = result.entries.filter((e) => e.status === 'invalid');
  const first = invalid[0]?.parseError;
  if (first) {
    // A file feeding several subjects is one broken file, not several.
    const files = new Set(invalid.map((e) => e.file)).size;
    const rest = s.failed - invalid.length;
    const more =
      files > 1
        ? ` (and ${files - 1} more invalid schema file${files === 2 ? '' : 's'}${rest > 0 ? ` and ${rest} more failed check${rest === 1 ? '' : 's'}` : ''}, listed above)`
        : others(rest);
    return new SchemaParseError({
      ...first,
      message: `${first.message}${more}`,
      hint: first.hint ?? 'an .avsc file holds one Avro schema, in JSON',
    });
  }
  const broken = result.entries.find((e) => e.status === 'error');
  if (broken) {
    return new UsageError(
      `unable to check ${broken.subject ?? broken.file}: ${broken.message ?? 'what it is checked against could not be used'}${others(s.failed - 1)}`,
      {
        hint: 'fix or replace the schema it is checked against, or check against something else (--against)',
      },
    );
  }
  return new CheckFailedError(`${s.failed} of ${s.checked} schema check${s.checked === 1 ? '' : 's'} failed`, {
    hint: 'the problems and how to fix them are listed above',
  });
}

export function checkCommand(io: Io): Command {
  return new Command('check')
    .description('parse, lint and check the compatibility of Avro schemas, against the registry, a git revision or another file')
    .argument('[files...]', 'the .avsc files to check (default: every file of the subjects map in streamctl.yaml, or schemas/*.avsc)')
    .option('--against <what>', 'registry, git:<rev> (git:main, git:HEAD~1, a tag) or an .avsc file', 'registry')
    .addOption(
      new Option(
        '--level <level>',
        "compatibility level, overriding the subject's (default: the config's, else the registry's; BACKWARD against a file)",
      ).argParser(levelOption),
    )
    .addOption(
      new Option('--format <format>', 'print GitHub workflow annotations or JUnit XML instead of the table').choices(REPORT_FORMATS),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl schemas check                                   every mapped schema against the registry
  $ streamctl schemas check schemas/user_event.avsc --level FULL_TRANSITIVE
  $ streamctl schemas check --against git:main                offline, against the files on main
  $ streamctl schemas check new.avsc --against old.avsc --level FULL
  $ streamctl schemas check --against git:origin/main --format github   annotations in a pull request
  $ streamctl schemas check --format junit > schemas.xml      a test report for CI

Subjects come from "schemas.subjects" in streamctl.yaml; without it each schemas/<name>.avsc
feeds <name>-value (transaction_event → transactions-value, user_event → user-events-value).
Exit codes: 0 compatible (warnings allowed), 1 incompatible or a lint error, 2 a file that
is not an Avro schema (invalid JSON, an unknown type), a usage, config or git error, or a
registry that can't be reached, refuses the credentials or doesn't answer JSON.`,
    )
    .action(async (files: string[], opts: { against: string; level?: CompatibilityLevel; format?: ReportFormat }, cmd: Command) => {
      checkFormatOption(cmd, opts.format);
      const against = parseAgainst(opts.against);
      const ctx = schemasContext(io);
      const result = await runCheck(
        {
          files,
          against,
          ...(opts.level ? { level: opts.level } : {}),
          schemas: ctx.config.schemas,
          projectDir: ctx.projectDir,
        },
        ctx.deps,
      );
      printCheck(io, cmd, result, opts.format);
      if (!result.ok) throw checkFailed(result);
    });
}
