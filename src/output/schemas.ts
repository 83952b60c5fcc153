import type { RegisteredSchema } from '../registry/client.js';
import type { CheckEntry, CheckResult, CheckStatus } from '../schemas/check-run.js';
import { formatProblem, type CompatibilityProblem } from '../schemas/compat.js';
import { changeSign } from '../schemas/diff.js';
import type { DiffResult, ListResult } from '../schemas/inspect-run.js';
import type { LintFinding } from '../schemas/lint.js';
import type { RegisterEntry, RegisterResult } from '../schemas/register-run.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';

/**
 * How the schemas commands show their results. `schemas check` has three
 * renderings of one CheckResult: the human view (table and explanations),
 * GitHub workflow annotations and JUnit XML; -o json/yaml print the result
 * itself.
 */

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

function statusText(status: CheckStatus, style: Style): string {
  switch (status) {
    case 'compatible':
      return style.green('compatible');
    case 'new':
      return style.cyan('new');
    case 'incompatible':
      return style.red('incompatible');
    case 'lint-error':
      return style.red('lint error');
    case 'invalid':
      return style.red('invalid');
    case 'error':
      return style.red('error');
  }
}

/** The problems column: counts, so the table stays one line per subject. */
function problemCount(entry: CheckEntry): string {
  const parts: string[] = [];
  if (entry.parseError) parts.push('syntax error');
  if (entry.problems.length > 0) parts.push(plural(entry.problems.length, 'incompatibility', 'incompatibilities'));
  const errors = entry.lint.filter((f) => f.severity === 'error').length;
  const warnings = entry.lint.length - errors;
  if (errors > 0) parts.push(plural(errors, 'lint error'));
  if (warnings > 0) parts.push(plural(warnings, 'warning'));
  if (entry.status === 'error') parts.push('see below');
  return parts.length > 0 ? parts.join(', ') : '-';
}

const where = (file: string, f: { line?: number; column?: number }): string =>
  f.line === undefined ? file : `${file}:${f.line}:${f.column ?? 1}`;

/** `v3` for a registry version, else what the entry was checked against. */
function problemOrigin(entry: CheckEntry, p: CompatibilityProblem): string {
  return entry.versions.length > 0 ? `v${p.against}, ${p.direction}` : `${entry.against}, ${p.direction}`;
}

/** `file:line:col: error: <path>: <what>; <fix> (v1, backward)`. */
export function problemLine(entry: CheckEntry, p: CompatibilityProblem): string {
  return `${where(entry.file, p)}: error: ${formatProblem(p)} (${problemOrigin(entry, p)})`;
}

/** `file:line:col: warning|error: message (rule)`. */
export function lintLine(file: string, f: LintFinding): string {
  return `${where(file, f)}: ${f.severity}: ${f.message} (${f.rule})`;
}

export function checkSummaryLine(result: CheckResult): string {
  const s = result.summary;
  const parts = [`${s.compatible} compatible`];
  if (s.new > 0) parts.push(`${s.new} new`);
  parts.push(`${s.failed} failed`);
  const details: string[] = [];
  if (s.invalid > 0) details.push(`${s.invalid} invalid`);
  if (s.incompatibilities > 0) details.push(plural(s.incompatibilities, 'incompatibility', 'incompatibilities'));
  if (s.lintErrors > 0) details.push(plural(s.lintErrors, 'lint error'));
  if (s.lintWarnings > 0) details.push(plural(s.lintWarnings, 'warning'));
  const against = result.registry ? `the registry at ${result.registry}` : result.against;
  return `${plural(s.checked, 'schema')} checked against ${against}: ${parts.join(', ')}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/** The human view of a check: a table, then every problem explained, then one summary line. */
export function checkView(result: CheckResult, style: Style): string {
  const table = renderTable(
    ['subject', 'file', 'against', 'level', 'result', 'problems'],
    result.entries.map((e) => [e.subject, e.file, e.against, e.level, statusText(e.status, style), problemCount(e)]),
    style,
  );
  const sections: string[] = [table];

  for (const e of result.entries) {
    const lines: string[] = [];
    const name = e.subject ? `${e.subject} (${e.file})` : e.file;
    if (e.problems.length > 0) {
      lines.push(style.bold(`${name} is incompatible with ${e.against} at ${e.level}:`));
      for (const p of e.problems) lines.push(`  ${problemLine(e, p)}`);
    }
    if (e.status === 'error' && e.message) lines.push(`${style.red('error:')} ${name}: ${e.message}`);
    if (lines.length > 0) sections.push(lines.join('\n'));
  }

  // Syntax errors and lint findings belong to a file, however many subjects it feeds.
  const files = new Map<string, CheckEntry>();
  for (const e of result.entries) if (!files.has(e.file)) files.set(e.file, e);
  const fileLines: string[] = [];
  for (const e of files.values()) {
    if (e.parseError) {
      const pe = e.parseError;
      fileLines.push(`${pe.file}:${pe.line}:${pe.column}: error: ${pe.message}`);
      if (pe.hint) fileLines.push(style.dim(`    hint: ${pe.hint}`));
    }
    for (const f of e.lint) {
      const line = lintLine(e.file, f);
      fileLines.push(f.severity === 'error' ? line : style.yellow(line));
      // Warnings come by the dozen (a missing doc per field); only errors get their fix spelled out.
      if (f.severity === 'error') fileLines.push(style.dim(`    hint: ${f.hint}`));
    }
  }
  if (fileLines.length > 0) sections.push(fileLines.join('\n'));

  const summary = checkSummaryLine(result);
  sections.push(result.ok ? summary : style.red(summary));
  return sections.join('\n\n');
}

// ---------------------------------------------------------------------------
// GitHub workflow commands.

/** GitHub's escaping of a workflow command's message. */
const ghData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** …and of its properties, where , and : separate. */
const ghProp = (s: string): string => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function annotation(
  level: 'error' | 'warning' | 'notice',
  props: { file: string; line?: number; col?: number; title: string },
  message: string,
): string {
  const parts = [`file=${ghProp(props.file)}`];
  if (props.line !== undefined) parts.push(`line=${props.line}`);
  if (props.col !== undefined) parts.push(`col=${props.col}`);
  parts.push(`title=${ghProp(props.title)}`);
  return `::${level} ${parts.join(',')}::${ghData(message)}`;
}

/** One annotation per problem, finding and new subject, then a plain summary line for the log. */
export function renderGithub(result: CheckResult): string {
  const out: string[] = [];
  const linted = new Set<string>();
  for (const e of result.entries) {
    const subject = e.subject ? `${e.subject}: ` : '';
    for (const p of e.problems) {
      out.push(
        annotation(
          'error',
          {
            file: e.file,
            ...(p.line !== undefined ? { line: p.line, col: p.column ?? 1 } : {}),
            title: `${subject}incompatible with ${e.against} (${e.level})`,
          },
          `${formatProblem(p)} (${problemOrigin(e, p)})`,
        ),
      );
    }
    if (e.status === 'new')
      out.push(annotation('notice', { file: e.file, title: `${subject}new` }, e.message ?? 'nothing to check against yet'));
    if (e.status === 'error') out.push(annotation('error', { file: e.file, title: `${subject}check failed` }, e.message ?? 'check failed'));
    if (linted.has(e.file)) continue;
    linted.add(e.file);
    if (e.parseError) {
      const pe = e.parseError;
      out.push(
        annotation(
          'error',
          { file: e.file, line: pe.line, col: pe.column, title: 'invalid Avro schema' },
          pe.hint ? `${pe.message}\n${pe.hint}` : pe.message,
        ),
      );
    }
    for (const f of e.lint) {
      out.push(
        annotation(
          f.severity,
          {
            file: e.file,
            ...(f.line !== undefined ? { line: f.line, col: f.column ?? 1 } : {}),
            title: `${f.path ? `${f.path}: ` : ''}${f.rule}`,
          },
          `${f.message}\n${f.hint}`,
        ),
      );
    }
  }
  out.push(checkSummaryLine(result));
  return out.join('\n');
}

// ---------------------------------------------------------------------------
// JUnit XML, as CI systems (GitLab, Jenkins, Azure) read it.

const xml = (s: string): string =>
  s
    // Control characters are not allowed in XML 1.0 at all, escaped or not.
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/** One testcase per subject (or file); incompatibilities, lint errors and syntax errors are failures; an unusable baseline is an error. */
export function renderJunit(result: CheckResult): string {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  for (const e of result.entries) {
    const name = e.subject ? `${e.subject} (${e.file})` : e.file;
    const body: string[] = [];
    if (e.status === 'error') {
      errors++;
      body.push(`      <error type="error" message="${xml(e.message ?? 'check failed')}"/>`);
    } else if (e.status !== 'compatible' && e.status !== 'new') {
      failures++;
      const details: string[] = [];
      if (e.parseError) details.push(`${e.parseError.file}:${e.parseError.line}:${e.parseError.column}: error: ${e.parseError.message}`);
      for (const p of e.problems) details.push(problemLine(e, p));
      for (const f of e.lint) if (f.severity === 'error') details.push(lintLine(e.file, f));
      const message =
        e.status === 'invalid'
          ? 'not a valid Avro schema'
          : e.status === 'incompatible'
            ? `${plural(e.problems.length, 'incompatibility', 'incompatibilities')} with ${e.against} at ${e.level}`
            : `${plural(e.lint.filter((f) => f.severity === 'error').length, 'lint error')}`;
      body.push(`      <failure type="${e.status}" message="${xml(message)}">${xml(details.join('\n'))}</failure>`);
    }
    const notes: string[] = [];
    if (e.message && e.status !== 'error') notes.push(e.message);
    for (const f of e.lint) if (f.severity === 'warning') notes.push(lintLine(e.file, f));
    if (notes.length > 0) body.push(`      <system-out>${xml(notes.join('\n'))}</system-out>`);
    const open = `    <testcase classname="streamctl.schemas" name="${xml(name)}" file="${xml(e.file)}"`;
    cases.push(body.length > 0 ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`);
  }
  const suite = `schemas check against ${result.against}`;
  const counts = `tests="${result.entries.length}" failures="${failures}" errors="${errors}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="streamctl schemas check" ${counts}>`,
    `  <testsuite name="${xml(suite)}" ${counts} skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// register, list, show, diff.

function registerText(r: RegisterEntry): string {
  switch (r.action) {
    case 'registered':
      return `registered version ${r.version ?? '?'} id ${r.id}`;
    case 'unchanged':
      return `unchanged (version ${r.version} id ${r.id})`;
    case 'would-register':
      return `would register version ${r.version}`;
    case 'would-be-unchanged':
      return `unchanged (version ${r.version} id ${r.id})`;
    case 'rejected':
      return `rejected: ${r.message ?? 'by the registry'}`;
  }
}

export function registerView(result: RegisterResult, style: Style): string {
  const sections = [checkView(result.check, style)];
  if (!result.check.ok) {
    sections.push(style.red('nothing registered: fix the problems above first'));
    return sections.join('\n\n');
  }
  const rows = result.registrations.map((r) => {
    const text = registerText(r);
    const shown = r.action === 'registered' ? style.green(text) : r.action === 'rejected' ? style.red(text) : text;
    const level = r.levelSet ? `${result.dryRun ? 'would set' : 'set'} ${r.levelSet}` : '-';
    return [r.subject, r.file, shown, level];
  });
  sections.push(renderTable(['subject', 'file', 'registration', 'level'], rows, style));
  if (result.dryRun) sections.push(style.dim('dry run: nothing was changed in the registry'));
  return sections.join('\n\n');
}

export function listView(result: ListResult, style: Style): string {
  if (result.subjects.length === 0) return style.dim(`no subjects registered at ${result.registry}`);
  return renderTable(
    ['subject', 'versions', 'latest version', 'latest id', 'level'],
    result.subjects.map((s) => [s.subject, s.versions, s.latestVersion, s.latestId, s.level]),
    style,
  );
}

/** The schema pretty-printed under a header; a schema that isn't JSON is shown as stored. */
export function showView(schema: RegisteredSchema, style: Style): string {
  let text = schema.schema;
  try {
    text = JSON.stringify(JSON.parse(schema.schema), null, 2);
  } catch {
    // Shown as the registry stores it.
  }
  const head = `${style.bold(schema.subject)}  version ${schema.version}  id ${schema.id}${schema.schemaType && schema.schemaType !== 'AVRO' ? `  ${schema.schemaType}` : ''}`;
  return `${head}\n${text}`;
}

export function diffView(result: DiffResult, style: Style): string {
  const head = `${style.bold(result.subject)} version ${result.version} (id ${result.id}) → ${result.file}`;
  if (result.changes.length === 0) return `${head}\n${style.dim('no changes: the file means the same as the registered version')}`;
  const width = Math.max(...result.changes.map((c) => c.path.length));
  const lines = result.changes.map((c) => {
    const sign = changeSign(c.kind);
    const color = sign === '+' ? style.green : sign === '-' ? style.red : style.yellow;
    return color(`${sign} ${c.path.padEnd(width)}  ${c.description}`);
  });
  return `${head}\n\n${lines.join('\n')}\n\n${plural(result.changes.length, 'change')}`;
}
