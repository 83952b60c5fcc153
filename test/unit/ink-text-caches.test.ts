import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { load } from '../../src/tui/ink-hooks.js';
import { INK_PATCHES, INK_TEXT_CACHE_LIMIT, inkPatchFor } from '../../src/tui/ink-text-caches.js';

// The installed Ink's build folder (its package exports hide the files, and package.json, from require.resolve).
const inkBuild = dirname(fileURLToPath(import.meta.resolve('ink')));
const written: string[] = [];
afterAll(() => {
  for (const f of written) rmSync(f, { force: true });
});

/** Loads a patched copy of one of Ink's modules beside the original, so its imports resolve as Ink's do. */
async function loadPatched(file: string): Promise<Record<string, unknown>> {
  const patch = inkPatchFor(`file://${join(inkBuild, file)}`)!;
  const patched = patch.apply(readFileSync(join(inkBuild, file), 'utf8'));
  expect(patched).not.toBeNull();
  const copy = join(inkBuild, `.streamctl-test-${process.pid}-${file}`);
  writeFileSync(copy, patched!);
  written.push(copy);
  return (await import(pathToFileURL(copy).href)) as Record<string, unknown>;
}

describe("bounded Ink text caches (ink#986: Ink 6's caches never evict)", () => {
  it('apply to the installed Ink: its modules still look as the patches expect', () => {
    for (const p of INK_PATCHES) {
      const file = join(inkBuild, p.file.replace('/ink/build/', ''));
      expect(p.apply(readFileSync(file, 'utf8')), file).not.toBeNull();
    }
  });

  it('measure text and wrap it exactly as before, past the limit where the caches are emptied', async () => {
    const measureText = (await loadPatched('measure-text.js')).default as (t: string) => { width: number; height: number };
    const wrapText = (await loadPatched('wrap-text.js')).default as (t: string, w: number, type: string) => string;
    for (let i = 0; i < INK_TEXT_CACHE_LIMIT * 2 + 10; i++) {
      const text = `lag ${i}\nrate ${i * 7}/s`;
      expect(measureText(text)).toEqual({ width: `rate ${i * 7}/s`.length, height: 2 });
      expect(wrapText(`group-${i} is lagging`, 8, 'truncate-end')).toBe(`group-${i}`.slice(0, 7) + '…');
    }
    expect(measureText('€ 1,000')).toEqual({ width: 7, height: 1 });
  });

  it('leave a source that does not look as expected alone (null: loaded unchanged)', () => {
    for (const p of INK_PATCHES) expect(p.apply('export default () => 0;')).toBeNull();
  });

  it("the load hook patches only Ink's two modules", async () => {
    const source = readFileSync(join(inkBuild, 'measure-text.js'));
    const next = async (url: string) => ({ format: 'module', source: url.includes('measure-text') ? source : 'export {};' });
    const ink = await load(pathToFileURL(join(inkBuild, 'measure-text.js')).href, {}, next);
    expect(String(ink.source)).toContain(`cache.size >= ${INK_TEXT_CACHE_LIMIT}`);
    const other = await load('file:///somewhere/else.js', {}, next);
    expect(other.source).toBe('export {};');
  });
});
