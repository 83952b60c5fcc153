import { isAbsolute, resolve } from 'node:path';
import { ConfigError, UsageError, describeCause } from '../errors.js';
import type { RegisteredSchema } from '../registry/client.js';
import { displayPath, projectMappings, type RegistryApi, type SchemaDeps } from './check-run.js';
import type { CompatibilityLevel } from './compat.js';
import { diffSchemas, type SchemaChange } from './diff.js';
import { mapLimit } from './limit.js';
import { parseSchemaOrThrow } from './parse.js';
import { findSubject } from './subjects.js';
import type { SchemasConfig } from '../config/index.js';

export interface SubjectSummary {
  subject: string;
  versions: number;
  latestVersion: number | null;
  latestId: number | null;
  /** The level that applies: the subject's own, else the registry's global level. */
  level: CompatibilityLevel;
}

export interface ListResult {
  registry: string;
  subjects: SubjectSummary[];
}

function needRegistry(deps: Pick<SchemaDeps, 'registry'>): RegistryApi {
  if (!deps.registry) throw new UsageError('this command needs a schema registry');
  return deps.registry;
}

export async function runList(deps: Pick<SchemaDeps, 'registry'>): Promise<ListResult> {
  const registry = needRegistry(deps);
  const global = await registry.getGlobalLevel();
  const names = await registry.listSubjects();
  const subjects = await mapLimit(names, 8, async (subject): Promise<SubjectSummary> => {
    const [versions, latest, level] = await Promise.all([
      registry.versions(subject),
      registry.version(subject, 'latest'),
      registry.getLevel(subject),
    ]);
    return {
      subject,
      versions: versions?.length ?? 0,
      latestVersion: latest?.version ?? null,
      latestId: latest?.id ?? null,
      level: level ?? global,
    };
  });
  return { registry: registry.displayUrl, subjects };
}

export interface ShowOptions {
  subject: string;
  /** Default: the latest. */
  version?: number;
}

/** The registry's own record of one version (subject, version, id, schema text). */
export async function runShow(options: ShowOptions, deps: Pick<SchemaDeps, 'registry'>): Promise<RegisteredSchema> {
  const registry = needRegistry(deps);
  const found = await registry.version(options.subject, options.version ?? 'latest');
  if (found) return found;
  throw await notFound(registry, options.subject, options.version, 'show');
}

async function notFound(registry: RegistryApi, subject: string, version: number | undefined, verb: string): Promise<UsageError> {
  const versions = await registry.versions(subject);
  if (!versions || versions.length === 0) {
    return new UsageError(`unable to ${verb} subject ${subject}: the registry has no such subject`, {
      hint: '`streamctl schemas list` shows the registered subjects',
    });
  }
  return new UsageError(`unable to ${verb} version ${version} of subject ${subject}: no such version`, {
    hint: `the subject has version${versions.length === 1 ? '' : 's'} ${versions.join(', ')}`,
  });
}

export interface DiffOptions {
  subject: string;
  /** The new schema, relative to the working directory. Default: the file mapped to the subject. */
  file?: string;
  /** The registered version to compare with. Default: the latest. */
  version?: number;
  schemas: SchemasConfig;
  projectDir: string;
}

export interface DiffResult {
  subject: string;
  /** The registered side. */
  version: number;
  id: number;
  /** The file side, relative to the working directory. */
  file: string;
  /** Empty when the two mean the same (formatting aside). */
  changes: SchemaChange[];
}

/** What changed from the registered version to the file. */
export async function runDiff(options: DiffOptions, deps: SchemaDeps): Promise<DiffResult> {
  const registry = needRegistry(deps);
  let path: string;
  if (options.file) {
    path = isAbsolute(options.file) ? options.file : resolve(deps.cwd, options.file);
  } else {
    const mapping = findSubject(await projectMappings(options.schemas, options.projectDir, deps), options.subject);
    if (!mapping) {
      throw new ConfigError(`unable to diff subject ${options.subject}: no schema file maps to it`, {
        hint: 'pass the file (`streamctl schemas diff <subject> <file>`), or map the subject under "schemas.subjects" in streamctl.yaml',
      });
    }
    path = resolve(options.projectDir, mapping.file);
  }
  const display = displayPath(deps.cwd, path);
  let text: string;
  try {
    text = await deps.readFile(path);
  } catch (err) {
    throw new UsageError(`unable to read schema ${display}: ${describeCause(err)}`, { cause: err });
  }
  const current = parseSchemaOrThrow(text, display);
  const registered = await registry.version(options.subject, options.version ?? 'latest');
  if (!registered) throw await notFound(registry, options.subject, options.version, 'diff');
  const previous = parseSchemaOrThrow(registered.schema, `${options.subject} version ${registered.version}`);
  return {
    subject: options.subject,
    version: registered.version,
    id: registered.id,
    file: display,
    changes: diffSchemas(previous.model, current.model),
  };
}
