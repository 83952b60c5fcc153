import { UsageError } from '../errors.js';

/**
 * The pipeline's SQL files are templates: `${name}` placeholders (letters, digits, dots,
 * underscores) stand for endpoints, topic and table names and schemas, so one file serves
 * the local platform, a configured cluster and a test's private copy. Pure: no I/O.
 */

const PLACEHOLDER = /\$\{([A-Za-z0-9_.]+)\}/g;

/** The placeholders a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Fills every placeholder. Values go inside SQL string literals, so single quotes are
 * doubled; a placeholder without a value is an error naming it (a typo must not reach Flink
 * as a literal `${…}`).
 */
export function renderTemplate(template: string, values: Record<string, string>, what = 'template'): string {
  const missing = placeholdersOf(template).filter((p) => !(p in values));
  if (missing.length > 0) {
    throw new UsageError(`unable to render ${what}: no value for ${missing.map((m) => `\${${m}}`).join(', ')}`, {
      hint: `the placeholders streamctl fills are: ${Object.keys(values).sort().join(', ')}`,
    });
  }
  return template.replace(PLACEHOLDER, (_, name: string) => values[name]!.replace(/'/g, "''"));
}
