import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, describeCause } from '../errors.js';
import type { RegistryClient } from '../registry/client.js';
import { defaultTopicFor, topicOfSubject, valueSubject } from '../schemas/subjects.js';
import type { StreamPlan } from './run.js';

/**
 * The platform's default event mix: transactions (keyed by account, so an
 * account's events stay in order on one partition) and user events (keyed by
 * user), four transactions for each user event.
 */
export const DEFAULT_STREAMS = [
  { file: 'transaction_event.avsc', key: 'account_id', weight: 4 },
  { file: 'user_event.avsc', key: 'user_id', weight: 1 },
] as const;

/** Subject naming: Confluent's TopicNameStrategy (default) or RecordNameStrategy. */
export type SubjectStrategy = 'topic' | 'record';

export interface PlanOptions {
  /** A .avsc file or a registered subject. Default: the platform's two schemas. */
  schema?: string;
  /** Default: from the schema (file name or subject). */
  topic?: string;
  /** Default: the platform default for its schemas, none otherwise. */
  key?: string;
  /** Default: topic. */
  subjectStrategy?: SubjectStrategy;
  /** Resolves relative paths and finds the project's schemas/. */
  cwd: string;
}

/** The schemas/ folder shipped with streamctl, used when the project has none. */
export function bundledSchemasDir(): string {
  // dist/main.js and src/produce/plan.ts both sit two levels below the package root… or one.
  for (const rel of ['../schemas/', '../../schemas/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'transaction_event.avsc'))) return dir;
  }
  return fileURLToPath(new URL('../schemas/', import.meta.url));
}

function platformSchemaFile(name: string, cwd: string): string {
  const project = join(cwd, 'schemas', name);
  return existsSync(project) ? project : join(bundledSchemasDir(), name);
}

function readSchemaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`unable to read schema ${file}: ${describeCause(err)}`, {
      hint: 'pass an .avsc file or a registered subject with --schema',
    });
  }
}

function fullName(schemaText: string): string {
  try {
    const s = JSON.parse(schemaText) as { name?: string; namespace?: string };
    if (!s.name) return 'value';
    return s.name.includes('.') || !s.namespace ? s.name : `${s.namespace}.${s.name}`;
  } catch {
    return 'value';
  }
}

function subjectFor(strategy: SubjectStrategy, topic: string, schemaText: string): string {
  return strategy === 'record' ? fullName(schemaText) : valueSubject(topic);
}

function looksLikeFile(s: string): boolean {
  return s.endsWith('.avsc') || s.endsWith('.json') || s.includes('/') || s.includes('\\');
}

/**
 * Turns --schema/--topic/--key into the streams to produce. A --schema that
 * names no file is taken as a registered subject and fetched from the registry.
 */
export async function planStreams(options: PlanOptions, registry: RegistryClient | undefined): Promise<StreamPlan[]> {
  const strategy = options.subjectStrategy ?? 'topic';
  if (!options.schema) {
    if (options.topic) {
      const known = DEFAULT_STREAMS.find((d) => defaultTopicFor(d.file) === options.topic);
      if (!known) {
        const latest = registry ? await registry.latest(valueSubject(options.topic)) : undefined;
        if (!latest) {
          throw new UsageError(`no schema for topic ${options.topic}`, {
            hint: `pass --schema <file.avsc> or --schema <subject>; ${valueSubject(options.topic)} is not registered`,
          });
        }
        return [
          {
            topic: options.topic,
            subject: latest.subject,
            schemaText: latest.schema,
            schemaId: latest.id,
            ...(options.key ? { key: options.key } : {}),
          },
        ];
      }
      const text = readSchemaFile(platformSchemaFile(known.file, options.cwd));
      return [
        { topic: options.topic, subject: subjectFor(strategy, options.topic, text), schemaText: text, key: options.key ?? known.key },
      ];
    }
    return DEFAULT_STREAMS.map((d) => {
      const text = readSchemaFile(platformSchemaFile(d.file, options.cwd));
      const topic = defaultTopicFor(d.file);
      return { topic, subject: subjectFor(strategy, topic, text), schemaText: text, key: options.key ?? d.key, weight: d.weight };
    });
  }

  const asFile = resolve(options.cwd, options.schema);
  if (existsSync(asFile) || looksLikeFile(options.schema)) {
    const text = readSchemaFile(asFile);
    const topic = options.topic ?? defaultTopicFor(basename(asFile));
    const platform = DEFAULT_STREAMS.find((d) => d.file === basename(asFile));
    const key = options.key ?? platform?.key;
    return [{ topic, subject: subjectFor(strategy, topic, text), schemaText: text, ...(key ? { key } : {}) }];
  }

  // A registered subject: produce with its latest version, as registered.
  if (!registry) throw new UsageError(`--schema ${options.schema} is not a file, and no registry is configured to look it up`);
  const latest = await registry.latest(options.schema);
  if (!latest) {
    throw new UsageError(`--schema ${options.schema}: no such file, and no such subject in the registry`, {
      hint: 'pass an .avsc file or a registered subject (see `streamctl schemas list`)',
    });
  }
  const topic = options.topic ?? topicOfSubject(options.schema);
  if (!topic) throw new UsageError(`--schema ${options.schema} doesn't name its topic`, { hint: 'pass --topic' });
  return [
    {
      topic,
      subject: latest.subject ?? options.schema,
      schemaText: latest.schema,
      schemaId: latest.id,
      ...(options.key ? { key: options.key } : {}),
    },
  ];
}
