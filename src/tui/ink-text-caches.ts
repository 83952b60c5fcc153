/**
 * Ink 6 memoizes text measurement (build/measure-text.js) and wrapping (build/wrap-text.js) in
 * module-level caches keyed by the text, with no eviction (vadimdemedes/ink#986; the bounded fix
 * landed only in Ink 7, which needs Node 22). A dashboard draws new strings every second —
 * clock, rates, lags, sparklines — so `streamctl top` retained every one of them: its live heap
 * grew ~0.7 MiB a minute in bench:top. These rewrites bound both caches by emptying them when
 * full (re-measuring a frame's strings is cheap); they are applied to Ink's sources as they load
 * (see ink-hooks.ts). Pure functions of the source, so a test can check them against the
 * installed Ink: if its code changes, the test fails rather than the leak coming back silently.
 */

/** Most entries each cache keeps before it is emptied; a 140×40 frame has a few hundred strings. */
export const INK_TEXT_CACHE_LIMIT = 5000;

export interface InkPatch {
  /** The module's path inside the ink package. */
  file: string;
  /** The patched source, or null when the source doesn't look as expected. */
  apply(source: string): string | null;
}

export const INK_PATCHES: InkPatch[] = [
  {
    file: '/ink/build/measure-text.js',
    apply: (source) => {
      const set = 'cache.set(text, dimensions);';
      if (!source.includes('const cache = new Map();') || source.split(set).length !== 2) return null;
      return source.replace(set, `if (cache.size >= ${INK_TEXT_CACHE_LIMIT}) cache.clear();\n    ${set}`);
    },
  },
  {
    file: '/ink/build/wrap-text.js',
    apply: (source) => {
      const decl = 'const cache = {};';
      const set = 'cache[cacheKey] = wrappedText;';
      if (source.split(decl).length !== 2 || source.split(set).length !== 2) return null;
      return source
        .replace(decl, 'let cache = {};\nlet cacheSize = 0;')
        .replace(set, `if (++cacheSize > ${INK_TEXT_CACHE_LIMIT}) {\n        cache = {};\n        cacheSize = 1;\n    }\n    ${set}`);
    },
  },
];

/** The patch for a module URL, if it is one of Ink's cached-text modules. */
export function inkPatchFor(url: string): InkPatch | undefined {
  return INK_PATCHES.find((p) => url.endsWith(p.file));
}
