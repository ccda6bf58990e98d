// Builds dist/bundle.js: one classic script, as a Looker extension's `file:`
// must be. looker-render/inline carries the wasm inside the JS and starts
// without top-level await or import.meta, so an IIFE bundle can hold it.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/index.js'],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  outfile: 'dist/bundle.js',
  logLevel: 'info',
});
