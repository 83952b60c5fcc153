import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { isObject } from './contexts.js';
import { CONTEXT_ENV, findProjectFile } from './index.js';
import { removeContext } from './user-file.js';

/**
 * `streamctl context remove` (kubectl's `config delete-context`) as data: the
 * command parses flags and prints; this edits the user file and says what
 * changed.
 */

export interface RemoveOptions {
  /** The context to remove from the user file. Required; the built-in "local" is refused. */
  name: string;
}

export interface RemoveDeps {
  /** Where the user file is (XDG_CONFIG_HOME) and STREAMCTL_CONTEXT. */
  env: NodeJS.ProcessEnv;
  /** Where the project file is searched from. */
  cwd: string;
}

/** What `context remove` reports: names and paths only, never the removed settings (they may hold secrets). */
export interface RemoveResult {
  /** The removed context. */
  context: string;
  /** The user file it was removed from. */
  file: string;
  /** It was the user file's currentContext, which now falls back to the built-in local. */
  wasCurrent: boolean;
  /** The user file's currentContext afterwards ("local" when it names none). */
  currentContext: string;
  /** Set when STREAMCTL_CONTEXT or the project file still selects the removed context here. Default: absent. */
  note?: string;
}

/**
 * Not refused on a read-only context: readOnly guards the cluster a context
 * reaches, while this changes only the user's own file (as `context add
 * --force` can rewrite it). A read-only context that is no longer wanted
 * must stay removable without first editing its guard away.
 */
export function runRemove(options: RemoveOptions, deps: RemoveDeps): RemoveResult {
  const removed = removeContext(deps.env, options.name);
  const still = selectedElsewhere(options.name, deps);
  return {
    context: options.name,
    file: removed.file,
    wasCurrent: removed.wasCurrent,
    currentContext: removed.currentContext,
    ...(still ? { note: `${still} still selects "${options.name}" here: commands fail until it names another context` } : {}),
  };
}

/**
 * What, above the user file's currentContext, still selects `name` here. The
 * project file is read leniently: a broken one is reported by the next
 * command that loads the configuration, not by this edit of another file.
 */
function selectedElsewhere(name: string, deps: RemoveDeps): string | undefined {
  if (deps.env[CONTEXT_ENV]?.trim() === name) return CONTEXT_ENV;
  const projectFile = findProjectFile(deps.cwd);
  if (!projectFile) return undefined;
  try {
    const project: unknown = parseYaml(readFileSync(projectFile, 'utf8'));
    if (isObject(project) && typeof project.context === 'string' && project.context.trim() === name) return `context in ${projectFile}`;
  } catch {
    // See above: not this command's error to report.
  }
  return undefined;
}
