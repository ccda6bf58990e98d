// Builds the fit app (tests/fit/app/) as a user would: a consumer project with
// looker-render installed from the packed package, bundled by Vite and by
// esbuild. Used by bundlers.test.mjs; runnable alone to look at the output:
//
//   node tests/fit/build-apps.mjs        -> tmp/fit/consumer/dist-{vite,esbuild}/

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const WASM = 'looker_render_bg.wasm';

/**
 * A consumer project in tmp/fit/<name>: the app's sources and
 * node_modules/looker-render from `npm pack ./pkg`. One name per test file:
 * node --test runs files in parallel.
 */
export function makeConsumer(name = 'consumer') {
  const work = join(root, 'tmp/fit');
  const consumer = join(work, name);
  const packs = join(work, `${name}-pack`);
  rmSync(consumer, { recursive: true, force: true });
  mkdirSync(consumer, { recursive: true });
  cpSync(join(root, 'tests/fit/app'), consumer, { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'fit-consumer', private: true, type: 'module' }, null, 2));
  rmSync(packs, { recursive: true, force: true });
  mkdirSync(packs, { recursive: true });
  const tarball = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', packs, '--silent'], { encoding: 'utf8' })
    .trim().split('\n').pop();
  const installed = join(consumer, 'node_modules/looker-render');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(packs, tarball), '-C', installed, '--strip-components=1']);
  return consumer;
}

/**
 * Vite: no plugin. The package's `new URL('./looker_render_bg.wasm',
 * import.meta.url)` is Vite's own asset pattern, so the wasm is emitted and
 * the URL rewritten. Top-level await needs an es2022+ target, and workers
 * that import the package need `worker.format: 'es'` (the default, iife,
 * cannot await at top level).
 */
export async function buildWithVite(consumer) {
  const { build } = await import('vite');
  const outDir = join(consumer, 'dist-vite');
  await build({
    root: consumer,
    configFile: false,
    logLevel: 'warn',
    base: './',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
    worker: { format: 'es' },
  });
  return outDir;
}

/**
 * esbuild: `format: 'esm'` (top-level await) and a browser platform (which
 * picks the package's browser entry). esbuild leaves `new URL(...,
 * import.meta.url)` alone, so the wasm is copied beside the bundles, where
 * that URL points. The worker is an entry point of its own.
 */
export async function buildWithEsbuild(consumer) {
  const esbuild = await import('esbuild');
  const outdir = join(consumer, 'dist-esbuild');
  rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: consumer,
    entryPoints: ['main.js', 'worker.js'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir,
    minify: true, // as apps ship: class names are mangled
    logLevel: 'warning',
  });
  cpSync(join(consumer, 'node_modules/looker-render/web', WASM), join(outdir, WASM));
  cpSync(join(consumer, 'index.html'), join(outdir, 'index.html'));
  return outdir;
}

/** One classic script from `entry` into `outdir`/bundle.js (+ classic.html as index.html). */
async function buildClassic(consumer, entry, outdir, absWorkingDir = consumer) {
  const esbuild = await import('esbuild');
  rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir,
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    outfile: join(outdir, 'bundle.js'),
    // looker-render from the consumer's install, the rest from the repo's devDependencies.
    nodePaths: [join(consumer, 'node_modules'), join(root, 'node_modules')],
    logLevel: 'warning',
  });
  cpSync(join(consumer, 'classic.html'), join(outdir, 'index.html'));
  return outdir;
}

/** tests/fit/app/classic.js with looker-render/inline, as an IIFE. */
export const buildClassicApp = (consumer) => buildClassic(consumer, join(consumer, 'classic.js'), join(consumer, 'dist-classic'));

/** examples/extension's entry as its build.mjs builds it (IIFE, minified), with the packed package. */
export const buildExtensionExample = (consumer) =>
  buildClassic(consumer, 'src/index.js', join(consumer, 'dist-example'), join(root, 'examples/extension'));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const consumer = makeConsumer();
  for (const out of [await buildWithVite(consumer), await buildWithEsbuild(consumer), await buildClassicApp(consumer), await buildExtensionExample(consumer)]) {
    console.log(out);
    for (const f of readdirSync(out, { recursive: true })) console.log(`  ${f}`);
  }
}
