/**
 * Module customization hooks (node:module register()) that bound Ink's text caches as its
 * modules load; see ink-text-caches.ts for why. A tsup entry of its own (dist/ink-hooks.js),
 * registered by `streamctl top` before it imports Ink. A source that doesn't look as expected
 * loads unchanged.
 */
import { inkPatchFor } from './ink-text-caches.js';

interface LoadResult {
  format?: string;
  source?: string | ArrayBuffer | ArrayBufferView;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context: unknown) => Promise<LoadResult>;

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  const patch = inkPatchFor(url);
  if (!patch || result.source === undefined) return result;
  const source =
    typeof result.source === 'string'
      ? result.source
      : Buffer.from(result.source instanceof ArrayBuffer ? new Uint8Array(result.source) : (result.source as Uint8Array)).toString('utf8');
  const patched = patch.apply(source);
  return patched === null ? result : { ...result, source: patched };
}
