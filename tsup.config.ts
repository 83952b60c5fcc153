import { defineConfig } from 'tsup';

export default defineConfig({
  // The produce worker is an entry of its own: a worker thread loads it by file, next to
  // the bundle (see src/produce/worker-source.ts). So are the module hooks `top` registers
  // (src/tui/ink-hooks.ts), which Node loads by URL.
  entry: { main: 'src/main.ts', 'produce-worker': 'src/produce/worker.ts', 'ink-hooks': 'src/tui/ink-hooks.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  sourcemap: true,
  clean: true,
  // Dependencies stay external: they are installed beside dist/ and bundling
  // kafkajs/ink would only slow the build and hide their licences.
  skipNodeModulesBundle: true,
});
