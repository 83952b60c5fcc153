import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMap, parseDocument, type Document } from 'yaml';
import { ConfigError, UsageError, describeCause } from '../errors.js';
import { LOCAL_CONTEXT, originOf, parseContext, validContextName } from './contexts.js';
import { userConfigFile } from './index.js';

/**
 * Edits of the user file by `streamctl context use`, `add` and `remove`. The
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

/** What removeContext did to the user file. */
export interface RemovedContext {
  /** The user file the context was removed from. */
  file: string;
  /** currentContext named the removed context; it now names the built-in local. */
  wasCurrent: boolean;
  /** The currentContext the user file selects afterwards: its own value, or "local" when it names none. */
  currentContext: string;
}

/**
 * Removes a context from the user file; the built-in local can't be. When
 * currentContext named it, currentContext becomes local: left dangling, every
 * later command would fail with "unknown context" until the user picked
 * another one. It is set rather than deleted so that a comment above it (often
 * the file's header) stays.
 */
export function removeContext(env: NodeJS.ProcessEnv, name: string): RemovedContext {
  if (name === LOCAL_CONTEXT) {
    throw new UsageError('"local" is the built-in context of the local platform and can\'t be removed', {
      hint: 'to make another context the default: `streamctl context use <name>`',
    });
  }
  const file = userConfigFile(env);
  const doc = load(file);
  const names = contextNames(doc);
  if (!names.includes(name)) {
    throw new UsageError(
      `unknown context "${name}" (${names.length > 0 ? `contexts in ${file}: ${names.join(', ')}` : `${file} has no contexts`})`,
      { hint: '`streamctl context list` shows every context' },
    );
  }
  // Comments on the context's own key go with it; one above the first context belongs to the
  // contexts map in the YAML model and is kept, since it may be about all of them.
  doc.deleteIn(['contexts', name]);
  const current = doc.get('currentContext');
  // Trimmed as the config loader trims it, so the reset matches what commands select.
  const wasCurrent = typeof current === 'string' && current.trim() === name;
  if (wasCurrent) doc.set('currentContext', LOCAL_CONTEXT);
  save(file, doc);
  return {
    file,
    wasCurrent,
    currentContext: !wasCurrent && typeof current === 'string' && current.trim() !== '' ? current.trim() : LOCAL_CONTEXT,
  };
}
