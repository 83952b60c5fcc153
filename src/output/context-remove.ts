import type { RemoveResult } from '../config/context-remove.js';
import type { Style } from './style.js';

/** How `context remove` shows its result to a person; the result holds no settings, so nothing here can leak a secret. */
export function contextRemoveView(r: RemoveResult, style: Style): string {
  const lines = [`${style.green('removed')} context ${style.bold(r.context)} from ${r.file}`];
  if (r.wasCurrent) {
    lines.push(`it was the current context: the current context is now ${style.bold(r.currentContext)} (built-in, the local platform)`);
  }
  if (r.note) lines.push(style.yellow(`note: ${r.note}`));
  return lines.join('\n');
}
