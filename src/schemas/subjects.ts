import { posix } from 'node:path';
import { ConfigError } from '../errors.js';
import type { SchemasConfig } from '../config/index.js';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from './compat.js';

/**
 * Which .avsc file feeds which registry subject. Pure: the caller lists the
 * schema folder and resolves paths, so `schemas` and `produce` agree on the
 * mapping without either touching the file system here.
 */

/** One subject and the file that feeds it. */
export interface SubjectMapping {
  subject: string;
  /** The .avsc file, relative to the project directory (the folder of streamctl.yaml), with forward slashes. */
  file: string;
  /** The level set for this subject in the config (subject's own, else `schemas.defaultLevel`). Default: none. */
  level?: CompatibilityLevel;
  /** Where `level` came from. */
  levelSource?: 'subject' | 'defaultLevel';
  /** True when the subject comes from `schemas.subjects`, false when derived from the file's name. */
  configured: boolean;
}

/**
 * The platform's own topics, whose schema files don't follow the
 * name-to-topic rule (`transaction_event` feeds `transactions`).
 */
export const PLATFORM_SCHEMA_TOPICS: Readonly<Record<string, string>> = {
  transaction_event: 'transactions',
  user_event: 'user-events',
};

/** Confluent's TopicNameStrategy for record values. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/** The topic of a `<topic>-value` or `<topic>-key` subject; undefined for other strategies. */
export function topicOfSubject(subject: string): string | undefined {
  const m = /^(.+)-(value|key)$/.exec(subject);
  return m ? m[1] : undefined;
}

/** The topic a schema file feeds when nothing is configured: `user_event.avsc` → `user-events`, `order_line.avsc` → `order-line`. */
export function defaultTopicFor(file: string): string {
  const name = posix.basename(file.replace(/\\/g, '/')).replace(/\.avsc$/i, '');
  return PLATFORM_SCHEMA_TOPICS[name] ?? name.replace(/_/g, '-');
}

/** The subject a schema file feeds when nothing is configured. */
export function defaultSubjectFor(file: string): string {
  return valueSubject(defaultTopicFor(file));
}

/** A level from the config, or ConfigError naming where it was written. */
export function configLevel(value: string, where: string): CompatibilityLevel {
  const upper = value.trim().toUpperCase().replace(/-/g, '_');
  const level = COMPATIBILITY_LEVELS.find((l) => l === upper);
  if (!level) {
    throw new ConfigError(`invalid compatibility level "${value}" in ${where}`, { hint: `use one of ${COMPATIBILITY_LEVELS.join(', ')}` });
  }
  return level;
}

const normalize = (file: string): string => posix.normalize(file.replace(/\\/g, '/')).replace(/^\.\//, '');

/**
 * The subjects map. With `schemas.subjects` configured, exactly those
 * subjects (files relative to the project directory). Otherwise every
 * `<dir>/<name>.avsc` in `schemaFiles` (names found in `schemas.dir`) maps to
 * its default subject. Sorted by subject.
 */
export function mapSubjects(schemas: SchemasConfig, schemaFiles: readonly string[] = []): SubjectMapping[] {
  const fallback = schemas.defaultLevel ? configLevel(schemas.defaultLevel, 'schemas.defaultLevel') : undefined;
  const withLevel = (m: Omit<SubjectMapping, 'level' | 'levelSource'>, own: string | undefined): SubjectMapping => {
    if (own) return { ...m, level: configLevel(own, `schemas.subjects.${m.subject}.level`), levelSource: 'subject' };
    return fallback ? { ...m, level: fallback, levelSource: 'defaultLevel' } : m;
  };
  const configured = Object.entries(schemas.subjects);
  const out =
    configured.length > 0
      ? configured.map(([subject, entry]) => withLevel({ subject, file: normalize(entry.file), configured: true }, entry.level))
      : schemaFiles
          .filter((f) => /\.avsc$/i.test(f))
          .map((f) =>
            withLevel(
              { subject: defaultSubjectFor(f), file: normalize(posix.join(schemas.dir, posix.basename(f))), configured: false },
              undefined,
            ),
          );
  return out.sort((a, b) => a.subject.localeCompare(b.subject));
}

/**
 * The subjects a file feeds: those the map gives it, else the default subject
 * of its name (so a file outside the map is still checked under the name
 * its topic would use). `file` is relative to the project directory.
 */
export function subjectsForFile(mappings: readonly SubjectMapping[], file: string, schemas: SchemasConfig): SubjectMapping[] {
  const wanted = normalize(file);
  const mapped = mappings.filter((m) => m.file === wanted);
  if (mapped.length > 0) return mapped;
  const fallback = schemas.defaultLevel ? configLevel(schemas.defaultLevel, 'schemas.defaultLevel') : undefined;
  return [
    {
      subject: defaultSubjectFor(wanted),
      file: wanted,
      configured: false,
      ...(fallback ? { level: fallback, levelSource: 'defaultLevel' as const } : {}),
    },
  ];
}

/** The mapping of a subject, for `produce --topic` and `schemas diff <subject>`. */
export function findSubject(mappings: readonly SubjectMapping[], subject: string): SubjectMapping | undefined {
  return mappings.find((m) => m.subject === subject);
}
