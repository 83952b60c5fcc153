import { UsageError } from '../errors.js';

/**
 * Which consumer groups and topics a command watches, from its `--group` and
 * `--topic` flags. Apart from any one command so that `streamctl top` and
 * `streamctl lag` read a selection alike.
 */
export interface Selection {
  /** Exact group ids. Default (undefined): every group. */
  groups?: string[];
  /** Exact topic names. Default (undefined): every topic. */
  topics?: string[];
}

/**
 * commander's argument parser for a name flag that may be repeated, each use
 * naming one or more exact names separated by commas (`--group a,b --group c`).
 * Names keep their order, duplicates are dropped. No patterns: `*` and `?` are
 * legal in group ids, so they are taken literally.
 */
export function collectNames(flag: string): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous) => {
    const names = value.split(',').map((n) => n.trim());
    if (names.some((n) => n === '')) {
      throw new UsageError(`invalid ${flag} "${value}": a name is empty`, {
        hint: `give exact names separated by commas, or repeat ${flag}`,
      });
    }
    const out = [...(previous ?? [])];
    for (const n of names) if (!out.includes(n)) out.push(n);
    return out;
  };
}

/** The selection the parsed flags ask for; an absent flag selects everything of its kind. */
export function selectionOf(flags: { group?: string[]; topic?: string[] }): Selection {
  return {
    ...(flags.group?.length ? { groups: flags.group } : {}),
    ...(flags.topic?.length ? { topics: flags.topic } : {}),
  };
}
