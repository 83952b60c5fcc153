import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { main: 'src/main.ts' },
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
