import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ConfigError, ConnectionError, UsageError, describeCause } from '../errors.js';
import type { SchemasConfig } from '../config/index.js';
import { RegistryError, type RegisteredSchema, type RegistryClient } from '../registry/client.js';
import { checkCompatibility, type CompatibilityLevel, type CompatibilityProblem, type SchemaSource } from './compat.js';
import type { GitReader } from './git.js';
import { lintSchema, type LintFinding } from './lint.js';
import { DEFAULT_CONCURRENCY, mapLimit } from './limit.js';
import { parseSchema, SchemaParseError, type ParseResult, type ParsedSchema, type SchemaSourceError } from './parse.js';
import { mapSubjects, subjectsForFile, type SubjectMapping } from './subjects.js';

/** The registry calls the schemas commands make; RegistryClient fits. */
export type RegistryApi = Pick<
  RegistryClient,
  'displayUrl' | 'listSubjects' | 'versions' | 'version' | 'lookup' | 'register' | 'getLevel' | 'getGlobalLevel' | 'setLevel'
>;

/** What the schema commands need from outside; tests pass their own. */
export interface SchemaDeps {
  /** Needed for `--against registry` and the registry commands. */
  registry?: RegistryApi;
  /** Needed for `--against git:<rev>`. */
  git?: GitReader;
  readFile(path: string): Promise<string>;
  /** File names in a folder, or undefined when it doesn't exist. */
  listDir(path: string): Promise<string[] | undefined>;
  /** Where relative paths on the command line start, and what shown paths are relative to. */
  cwd: string;
  /** Files and subjects checked at once against the registry. Default: DEFAULT_CONCURRENCY (16). */
  concurrency?: number;
  /** Parse each registered schema once per id. Default: true (false only to measure what it saves). */
  cacheSchemas?: boolean;
}

/** The file system parts of SchemaDeps, from node:fs. */
export const nodeFs: Pick<SchemaDeps, 'readFile' | 'listDir'> = {
  // Synchronous on purpose: a schema is a few KB, and fs.promises costs four thread-pool trips a file (it shows at hundreds).
  readFile: async (path) => readFileSync(path, 'utf8'),
  listDir: async (path) => {
    try {
      return await readdir(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
};

export type Against = { kind: 'registry' } | { kind: 'git'; rev: string } | { kind: 'file'; file: string };

/** `registry`, `git:<rev>` or a path to an .avsc file. */
export function parseAgainst(value: string): Against {
  if (value === 'registry') return { kind: 'registry' };
  if (value.startsWith('git:')) {
    const rev = value.slice(4).trim();
    if (!rev) throw new UsageError('--against git: needs a revision', { hint: 'e.g. --against git:main, git:HEAD~1 or git:v1.2.0' });
    return { kind: 'git', rev };
  }
  if (value.trim() === '') throw new UsageError('--against needs a value', { hint: 'registry, git:<rev> or an .avsc file' });
  return { kind: 'file', file: value };
}

export interface CheckOptions {
  /** Files to check, relative to the working directory. Default: every file of the subjects map. */
  files?: string[];
  /** What to check against. Default: the registry. */
  against?: Against;
  /** Overrides every other source of the level (--level). Default: per subject, see resolveLevel. */
  level?: CompatibilityLevel;
  schemas: SchemasConfig;
  /** The folder of streamctl.yaml (or the working directory without one); config paths start here. */
  projectDir: string;
}

/**
 * compatible: no problem found (lint warnings allowed). new: nothing to check
 * against yet. The rest fail the check: incompatible and lint-error (lint
 * found errors) are failed checks (exit 1); invalid (the file is not an Avro
 * schema: broken JSON, an unknown type) and error (what it was checked
 * against could not be used) are bad input (exit 2).
 */
export type CheckStatus = 'compatible' | 'new' | 'incompatible' | 'lint-error' | 'invalid' | 'error';

/** Where a level came from: --level, the subject's config, schemas.defaultLevel, the registry, or the BACKWARD default. */
export type LevelSource = 'flag' | 'subject' | 'defaultLevel' | 'registry' | 'default';

export interface CheckEntry {
  /** Null when checking one file against another. */
  subject: string | null;
  /** Relative to the working directory. */
  file: string;
  /** What it was checked against, in words: `registry v3`, `registry v1-v3`, `git:main`, `old.avsc`. */
  against: string;
  /** Null when the file could not be parsed. */
  level: CompatibilityLevel | null;
  levelSource: LevelSource | null;
  status: CheckStatus;
  /** Registry versions checked, newest first; empty otherwise. */
  versions: number[];
  /** Why the status is new or error. */
  message?: string;
  parseError?: SchemaSourceError;
  lint: LintFinding[];
  problems: CompatibilityProblem[];
}

export interface CheckSummary {
  checked: number;
  compatible: number;
  new: number;
  failed: number;
  /** Files that are not Avro schemas (counted per subject they feed). */
  invalid: number;
  incompatibilities: number;
  lintErrors: number;
  lintWarnings: number;
}

export interface CheckResult {
  /** `registry`, `git:<rev>`, or the file checked against. */
  against: string;
  /** The registry checked against, without credentials. */
  registry?: string;
  /** False when any entry failed: the command exits 1, or 2 when an entry is invalid or an error (see CheckStatus). */
  ok: boolean;
  summary: CheckSummary;
  entries: CheckEntry[];
}

/** A file to check and the subjects it feeds. */
export interface CheckTarget {
  /** Absolute. */
  path: string;
  /** Relative to the working directory, for people. */
  display: string;
  mappings: SubjectMapping[];
}

const FAILED: ReadonlySet<CheckStatus> = new Set(['incompatible', 'lint-error', 'invalid', 'error']);

export const isFailure = (status: CheckStatus): boolean => FAILED.has(status);

/** A path for people: relative to the working directory, with forward slashes. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return (rel === '' ? '.' : rel).split(sep).join('/');
}

/** The subjects map of the project, with its files listed from the schema folder when nothing is configured. */
export async function projectMappings(
  schemas: SchemasConfig,
  projectDir: string,
  deps: Pick<SchemaDeps, 'listDir'>,
): Promise<SubjectMapping[]> {
  const configured = Object.keys(schemas.subjects).length > 0;
  const names = configured ? [] : ((await deps.listDir(resolve(projectDir, schemas.dir))) ?? []);
  return mapSubjects(schemas, names.filter((n) => n.endsWith('.avsc')).sort());
}

/** The files to check, each with its subjects: the files given (mapped, or named by default), else the whole map. */
export async function resolveTargets(
  options: Pick<CheckOptions, 'files' | 'schemas' | 'projectDir'>,
  deps: Pick<SchemaDeps, 'listDir' | 'cwd'>,
): Promise<CheckTarget[]> {
  const mappings = await projectMappings(options.schemas, options.projectDir, deps);
  const targets = new Map<string, CheckTarget>();
  if (options.files && options.files.length > 0) {
    for (const f of options.files) {
      const path = isAbsolute(f) ? f : resolve(deps.cwd, f);
      const inProject = relative(options.projectDir, path).split(sep).join('/');
      const mapped = subjectsForFile(mappings, inProject, options.schemas);
      const t = targets.get(path) ?? { path, display: displayPath(deps.cwd, path), mappings: [] };
      for (const m of mapped) if (!t.mappings.some((x) => x.subject === m.subject)) t.mappings.push(m);
      targets.set(path, t);
    }
    return [...targets.values()];
  }
  if (mappings.length === 0) {
    throw new ConfigError(
      `no schemas to check: no .avsc files in ${displayPath(deps.cwd, resolve(options.projectDir, options.schemas.dir))}`,
      {
        hint: 'pass the files to check, or map subjects to files under "schemas.subjects" in streamctl.yaml',
      },
    );
  }
  for (const m of mappings) {
    const path = resolve(options.projectDir, m.file);
    const t = targets.get(path) ?? { path, display: displayPath(deps.cwd, path), mappings: [] };
    t.mappings.push(m);
    targets.set(path, t);
  }
  return [...targets.values()];
}

async function readSchemaFile(path: string, display: string, deps: Pick<SchemaDeps, 'readFile'>, configured: boolean): Promise<string> {
  try {
    return await deps.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : describeCause(err);
    const hint = configured ? 'fix the file under "schemas.subjects" in streamctl.yaml' : 'check the path';
    const message = `unable to read schema ${display}: ${why}`;
    throw configured ? new ConfigError(message, { hint, cause: err }) : new UsageError(message, { hint, cause: err });
  }
}

/** A file read and parsed once, whatever number of subjects it feeds. */
interface Loaded {
  target: CheckTarget;
  parsed?: ParsedSchema;
  parseError?: SchemaSourceError;
  lint: LintFinding[];
}

async function load(target: CheckTarget, deps: Pick<SchemaDeps, 'readFile'>): Promise<Loaded> {
  const text = await readSchemaFile(
    target.path,
    target.display,
    deps,
    target.mappings.some((m) => m.configured),
  );
  const result = parseSchema(text, target.display);
  if (!result.ok) return { target, parseError: result.error, lint: [] };
  return { target, parsed: result.schema, lint: lintSchema(result.schema) };
}

function statusOf(entry: Pick<CheckEntry, 'parseError' | 'problems' | 'lint'>, isNew: boolean): CheckStatus {
  if (entry.parseError) return 'invalid';
  if (entry.problems.length > 0) return 'incompatible';
  if (entry.lint.some((f) => f.severity === 'error')) return 'lint-error';
  return isNew ? 'new' : 'compatible';
}

/** Runs the check for one previous set of schemas and turns a broken previous schema into an entry error. */
function compare(
  loaded: Loaded,
  previous: readonly SchemaSource[],
  level: CompatibilityLevel,
  versions: readonly number[] | undefined,
  previousLabel: (i: number) => string,
): { problems: CompatibilityProblem[]; checked: number[]; error?: string } {
  try {
    const r = checkCompatibility(loaded.parsed!, previous, level, versions ? { versions } : {});
    return { problems: r.problems, checked: r.checkedAgainst };
  } catch (err) {
    if (!(err instanceof SchemaParseError)) throw err;
    const i = previous.findIndex((p) => typeof p === 'string' && !parseSchema(p, '').ok);
    return { problems: [], checked: [], error: `${previousLabel(Math.max(i, 0))} is not a valid Avro schema (${err.detail})` };
  }
}

function versionRange(versions: readonly number[]): string {
  if (versions.length === 0) return '-';
  const sorted = [...versions].sort((a, b) => a - b);
  return sorted.length === 1 ? `v${sorted[0]}` : `v${sorted[0]}-v${sorted[sorted.length - 1]}`;
}

/** What a successful check run holds besides the result: each entry's parsed schema, for register. */
export interface CheckRun {
  result: CheckResult;
  /** By entry index; absent for entries whose file didn't parse. */
  schemas: (ParsedSchema | undefined)[];
}

/**
 * Parses, lints and checks compatibility. Never prints; the caller prints
 * the result and fails the command when `ok` is false. Usage, config and
 * connection problems (an unreadable file, an unknown revision, an
 * unreachable registry) are thrown.
 */
export async function runCheck(options: CheckOptions, deps: SchemaDeps): Promise<CheckResult> {
  return (await runCheckWithSchemas(options, deps)).result;
}

/** Like runCheck, plus each entry's parsed schema (what register sends). */
export async function runCheckWithSchemas(options: CheckOptions, deps: SchemaDeps): Promise<CheckRun> {
  const against = options.against ?? { kind: 'registry' };
  const entries: CheckEntry[] = [];
  const schemas: (ParsedSchema | undefined)[] = [];
  const push: Push = (entry, parsed) => {
    entries.push(entry);
    schemas.push(parsed);
  };
  let label: string;
  let registryUrl: string | undefined;
  switch (against.kind) {
    case 'file':
      label = await againstFile(against.file, options, deps, push);
      break;
    case 'git':
      label = await againstGit(against.rev, await resolveTargets(options, deps), options, deps, push);
      break;
    case 'registry': {
      const registry = deps.registry;
      if (!registry) throw new UsageError('checking against the registry needs a registry');
      await againstRegistry(registry, await resolveTargets(options, deps), options, deps, push);
      label = 'registry';
      registryUrl = registry.displayUrl;
      break;
    }
  }
  return { result: finish(label, registryUrl, entries), schemas };
}

type Push = (entry: CheckEntry, parsed: ParsedSchema | undefined) => void;

function invalidEntry(base: Pick<CheckEntry, 'subject' | 'file' | 'against'>, loaded: Loaded): CheckEntry {
  return {
    ...base,
    level: null,
    levelSource: null,
    status: 'invalid',
    versions: [],
    parseError: loaded.parseError!,
    lint: [],
    problems: [],
  };
}

/** One or more files against one previous file; no subjects involved. Returns the label of what was checked against. */
async function againstFile(file: string, options: CheckOptions, deps: SchemaDeps, push: Push): Promise<string> {
  if (!options.files || options.files.length === 0) {
    throw new UsageError('--against <file> needs the new schema file(s) to check', {
      hint: 'e.g. streamctl schemas check new.avsc --against old.avsc',
    });
  }
  const oldPath = isAbsolute(file) ? file : resolve(deps.cwd, file);
  const oldDisplay = displayPath(deps.cwd, oldPath);
  const oldText = await readSchemaFile(oldPath, oldDisplay, deps, false);
  const oldParsed = parseSchema(oldText, oldDisplay);
  if (!oldParsed.ok) {
    const e = oldParsed.error;
    throw new UsageError(
      `unable to use ${oldDisplay} as the previous schema: ${e.file}:${e.line}:${e.column}: ${e.message}`,
      e.hint ? { hint: e.hint } : {},
    );
  }
  const level = options.level ?? 'BACKWARD';
  const levelSource: LevelSource = options.level ? 'flag' : 'default';
  for (const f of options.files) {
    const path = isAbsolute(f) ? f : resolve(deps.cwd, f);
    const loaded = await load({ path, display: displayPath(deps.cwd, path), mappings: [] }, deps);
    const base = { subject: null, file: loaded.target.display, against: oldDisplay };
    if (!loaded.parsed) {
      push(invalidEntry(base, loaded), undefined);
      continue;
    }
    const { problems } = compare(loaded, [oldText], level, undefined, () => oldDisplay);
    const entry = { ...base, level, levelSource, versions: [], lint: loaded.lint, problems };
    push({ ...entry, status: statusOf(entry, false) }, loaded.parsed);
  }
  return oldDisplay;
}

/** Each file against itself at a git revision; offline, so levels come from flags and config only. */
async function againstGit(rev: string, targets: CheckTarget[], options: CheckOptions, deps: SchemaDeps, push: Push): Promise<string> {
  const git = deps.git;
  if (!git) throw new UsageError('checking against git needs git');
  const label = `git:${rev}`;
  for (const target of targets) {
    const loaded = await load(target, deps);
    // Read even when the file doesn't parse, so an unknown revision is reported as such.
    const previous = await git.show(rev, target.path);
    for (const m of target.mappings) {
      const base = { subject: m.subject, file: target.display, against: label };
      if (!loaded.parsed) {
        push(invalidEntry(base, loaded), undefined);
        continue;
      }
      const level = options.level ?? m.level ?? 'BACKWARD';
      const levelSource: LevelSource = options.level ? 'flag' : (m.levelSource ?? 'default');
      const common = { ...base, level, levelSource, versions: [], lint: loaded.lint };
      if (previous === undefined) {
        const entry = { ...common, problems: [], message: `${target.display} does not exist at ${label}` };
        push({ ...entry, status: statusOf(entry, true) }, loaded.parsed);
        continue;
      }
      const r = compare(loaded, [previous], level, undefined, () => `${target.display} at ${label}`);
      const entry = { ...common, problems: r.problems, ...(r.error ? { message: r.error } : {}) };
      push({ ...entry, status: r.error ? 'error' : statusOf(entry, false) }, loaded.parsed);
    }
  }
  return label;
}

/**
 * Each subject against its registered versions, at the level that applies to
 * it. Files and subjects are checked concurrently (the registry client bounds
 * the requests in flight); entries keep the order of the targets. A registered
 * schema is parsed once per id, however many versions and subjects share it.
 */
async function againstRegistry(
  registry: RegistryApi,
  targets: CheckTarget[],
  options: CheckOptions,
  deps: SchemaDeps,
  push: Push,
): Promise<void> {
  let globalLevel: CompatibilityLevel;
  try {
    // First call doubles as the reachability check, so an unreachable registry is one clear error.
    globalLevel = await registry.getGlobalLevel();
  } catch (err) {
    if (!(err instanceof ConnectionError)) throw err;
    const unreachable = !(err instanceof RegistryError) || err.reason === 'unreachable';
    throw new ConnectionError(`unable to check schemas against the registry: ${err.message.replace(/^unable to [^:]+: /, '')}`, {
      hint: unreachable ? 'start the local platform with `streamctl dev up`, or check offline with `--against git:main`' : err.hint,
      cause: err,
    });
  }

  const resolveLevel = async (m: SubjectMapping): Promise<{ level: CompatibilityLevel; levelSource: LevelSource }> => {
    if (options.level) return { level: options.level, levelSource: 'flag' };
    if (m.level) return { level: m.level, levelSource: m.levelSource ?? 'subject' };
    return { level: (await registry.getLevel(m.subject)) ?? globalLevel, levelSource: 'registry' };
  };

  const cache = deps.cacheSchemas ?? true;
  const parsedById = new Map<number, ParseResult>();
  // A baseline needs the model only, not avsc's Type (which the registry's own parser has vouched for).
  const parseRegistered = (s: RegisteredSchema): ParseResult => {
    if (!cache) return parseSchema(s.schema, `schema id ${s.id}`, { types: false });
    let parsed = parsedById.get(s.id);
    if (!parsed) {
      parsed = parseSchema(s.schema, `schema id ${s.id}`, { types: false });
      parsedById.set(s.id, parsed);
    }
    return parsed;
  };

  const checkSubject = async (loaded: Loaded, m: SubjectMapping): Promise<[CheckEntry, ParsedSchema | undefined]> => {
    const base = { subject: m.subject, file: loaded.target.display, against: 'registry' };
    if (!loaded.parsed) return [invalidEntry(base, loaded), undefined];
    // The latest version answers most levels alone (and whether the subject exists): one call, not a list and then a version.
    const [{ level, levelSource }, latest] = await Promise.all([resolveLevel(m), registry.version(m.subject, 'latest')]);
    const common = { ...base, level, levelSource, lint: loaded.lint };
    if (!latest) {
      const entry = { ...common, versions: [], problems: [], message: `subject ${m.subject} is not registered yet` };
      return [{ ...entry, status: statusOf(entry, true) }, loaded.parsed];
    }
    // Only the versions the level looks at are fetched: all of them for transitive levels, else the latest.
    let wanted: number[] = level === 'NONE' ? [] : [latest.version];
    let fetched: (RegisteredSchema | undefined)[] = level === 'NONE' ? [] : [latest];
    if (level.endsWith('_TRANSITIVE')) {
      const older = ((await registry.versions(m.subject)) ?? []).filter((v) => v < latest.version);
      wanted = [...older, latest.version];
      fetched = [...(await Promise.all(older.map((v) => registry.version(m.subject, v)))), latest];
    }
    const previous: ParsedSchema[] = [];
    const labels: number[] = [];
    for (const [i, s] of fetched.entries()) {
      // A version deleted between the two calls is simply not there to check against.
      if (!s) continue;
      const parsed = parseRegistered(s);
      if (!parsed.ok) {
        const entry = {
          ...common,
          versions: [],
          problems: [],
          message: `registered version ${wanted[i]} is not a valid Avro schema (${parsed.error.message})`,
        };
        return [{ ...entry, status: 'error' }, loaded.parsed];
      }
      previous.push(parsed.schema);
      labels.push(wanted[i]!);
    }
    const r = compare(loaded, previous, level, labels, (i) => `registered version ${labels[i]}`);
    const entry = {
      ...common,
      against: r.checked.length > 0 ? `registry ${versionRange(r.checked)}` : 'registry',
      versions: r.checked,
      problems: r.problems,
      ...(r.error ? { message: r.error } : {}),
    };
    return [{ ...entry, status: r.error ? 'error' : statusOf(entry, false) }, loaded.parsed];
  };

  const checked = await mapLimit(targets, deps.concurrency ?? DEFAULT_CONCURRENCY, async (target) => {
    const loaded = await load(target, deps);
    return Promise.all(target.mappings.map((m) => checkSubject(loaded, m)));
  });
  for (const [entry, parsed] of checked.flat()) push(entry, parsed);
}

function finish(against: string, registry: string | undefined, entries: CheckEntry[]): CheckResult {
  // A file feeding several subjects is linted once; count its findings once.
  const lintByFile = new Map<string, LintFinding[]>();
  for (const e of entries) lintByFile.set(e.file, e.lint);
  const lint = [...lintByFile.values()].flat();
  const summary: CheckSummary = {
    checked: entries.length,
    compatible: entries.filter((e) => e.status === 'compatible').length,
    new: entries.filter((e) => e.status === 'new').length,
    failed: entries.filter((e) => isFailure(e.status)).length,
    invalid: entries.filter((e) => e.status === 'invalid').length,
    incompatibilities: entries.reduce((n, e) => n + e.problems.length, 0),
    lintErrors: lint.filter((f) => f.severity === 'error').length,
    lintWarnings: lint.filter((f) => f.severity === 'warning').length,
  };
  return { against, ...(registry ? { registry } : {}), ok: summary.failed === 0, summary, entries };
}
