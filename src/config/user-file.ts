import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMap, parseDocument, type Document } from 'yaml';
import { ConfigError, UsageError, describeCause } from '../errors.js';
import { LOCAL_CONTEXT, originOf, parseContext, validContextName } from './contexts.js';
import { userConfigFile } from './index.js';

/**
 * Edits of the user file by `streamctl context use` and `context add`. The
 * file is edited as a YAML document (the `yaml` package's Document API), so
 * comments, key order and formatting of everything else stay as they were;
 * it is written atomically (temp file + rename) and a new file is readable
 * by its owner only, since contexts name users and may hold passwords.
 */

function load(file: string): Document {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new ConfigError(`invalid YAML in ${file}: ${doc.errors[0]!.message.split('\n')[0]}`, { hint: 'fix the file first' });
  }
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  if (!isMap(doc.contents)) throw new ConfigError(`invalid config in ${file}: the top level must be a mapping`);
  return doc;
}

function save(file: string, doc: Document): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const mode = existsSync(file) ? statSync(file).mode & 0o777 : 0o600;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, doc.toString(), { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (err) {
    throw new ConfigError(`unable to write ${file}: ${describeCause(err)}`, { cause: err });
  }
}

function contextNames(doc: Document): string[] {
  const contexts = doc.get('contexts');
  return isMap(contexts) ? contexts.items.map((p) => String((p.key as { value?: unknown })?.value ?? p.key)) : [];
}

/** Sets currentContext in the user file; the context must exist (or be local). Returns the file. */
export function useContext(env: NodeJS.ProcessEnv, name: string): string {
  const file = userConfigFile(env);
  const doc = load(file);
  if (name !== LOCAL_CONTEXT && !contextNames(doc).includes(name)) {
    const known = [LOCAL_CONTEXT, ...contextNames(doc)].join(', ');
    throw new UsageError(`unknown context "${name}"`, {
      hint: `known contexts: ${known}; add one with \`streamctl context add ${name} --brokers <host:port>\``,
    });
  }
  doc.set('currentContext', name);
  save(file, doc);
  return file;
}

/**
 * Writes a context into the user file, checked first as `resolveConfig`
 * would read it. An existing context is replaced only with `replace`.
 * Returns the file.
 */
export function addContext(
  env: NodeJS.ProcessEnv,
  name: string,
  settings: Record<string, unknown>,
  options: { replace?: boolean } = {},
): string {
  const file = userConfigFile(env);
  if (!validContextName(name)) {
    throw new UsageError(`invalid context name "${name}"`, {
      hint: 'use letters, digits, ".", "_" and "-", starting with a letter or digit',
    });
  }
  if (name === LOCAL_CONTEXT)
    throw new UsageError('"local" is the built-in context of the local platform', { hint: 'give your context another name' });
  // Checked as the config loader will read it, so a context that is written is one that works.
  parseContext(name, settings, originOf('the new context', dirname(file), env));
  const doc = load(file);
  if (contextNames(doc).includes(name) && !options.replace) {
    throw new UsageError(`context "${name}" already exists in ${file}`, { hint: 'pass --force to replace it' });
  }
  if (!isMap(doc.get('contexts'))) doc.set('contexts', doc.createNode({}));
  doc.setIn(['contexts', name], doc.createNode(settings));
  save(file, doc);
  return file;
}
