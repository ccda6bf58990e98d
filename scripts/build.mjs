#!/usr/bin/env node
// Builds the npm package into pkg/: a size-tuned release wasm, wasm-bindgen
// glue for Node (CommonJS, loads synchronously: no init call) and for
// browsers and bundlers (ES module with top-level await), one set of
// TypeScript definitions, and package.json with conditional exports.
//
//   node scripts/build.mjs [--dev]     --dev skips wasm-opt (faster, larger)

import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'pkg');
const crate = 'looker_render';
const dev = process.argv.includes('--dev');

const run = (cmd, args, env) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
const log = (message) => console.error(`[build] ${message}`);
const wasmOpt = join(root, 'node_modules/.bin/wasm-opt');
const wasmFeatures = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-reference-types',
  '--enable-mutable-globals', '--enable-sign-ext', '--enable-multivalue'];

// The shipped wasm is built with std rebuilt so that a panic is a plain trap:
// no panic messages, locations or formatting machinery (about a tenth of the
// module). That takes the rust-src component and, on stable rustc,
// RUSTC_BOOTSTRAP=1 for the -Z flags; scripts/setup.sh installs rust-src. Its
// own target directory keeps these flags from rebuilding the test builds.
// --dev builds with plain std and skips wasm-opt: faster, larger.
const shipped = dev ? 'target' : 'target/shipped';
log(`cargo build --release --target wasm32-unknown-unknown${dev ? '' : ' (std rebuilt, panics abort)'}`);
run('cargo', ['build', '--quiet', '--release', '--target', 'wasm32-unknown-unknown', '--lib', '-p', 'looker-render',
  '--target-dir', shipped, ...(dev ? [] : ['-Zbuild-std=std,panic_abort'])],
  dev ? {} : { RUSTC_BOOTSTRAP: '1', RUSTFLAGS: '-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Ctarget-feature=-reference-types' });
const wasm = join(root, shipped, 'wasm32-unknown-unknown/release', `${crate}.wasm`);

/**
 * Shortens the wasm's import, export and module names (hashed names like
 * `__wbg_get_2080c49015e35254` are about a kilobyte of gzip in the wasm and
 * again in the glue), then rewrites the glue to the new names and checks that
 * every import the module asks for is one the glue provides.
 */
function minifyNames(dir, gluePath, wasmPath) {
  const names = JSON.parse(execFileSync(wasmOpt, [wasmPath, ...wasmFeatures, '--minify-imports-and-exports-and-modules',
    '-o', wasmPath], { encoding: 'utf8' }));
  let glue = readFileSync(gluePath, 'utf8');
  for (const [old, short] of names.exports) glue = glue.replaceAll(new RegExp(`\\bwasm\\.${old}\\b`, 'g'), `wasm.${short}`);
  // The glue's own imports are keys of `import0`; the others (functions the
  // wasm takes straight from a snippet) are read off that snippet's module.
  const modules = new Map();
  const entries = [];
  for (const [module, base, short] of names.imports) {
    if (module === './looker_render_bg.js') {
      const key = new RegExp(`\\b${base}(?=: function)`);
      if (!key.test(glue)) throw new Error(`${dir}: the glue has no import ${base}`);
      glue = glue.replace(key, short);
    } else {
      const match = glue.match(new RegExp(`(import\\d+) = require\\("${module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\)|import \\* as (import\\d+) from "${module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`));
      if (!match) throw new Error(`${dir}: the glue does not import ${module}`);
      modules.set(module, match[1] ?? match[2]);
      entries.push(`${short}: ${match[1] ?? match[2]}.${base}`);
    }
  }
  // wasm-opt puts every import in one module named "a".
  const returns = /return \{\n\s*__proto__: null,\n\s*"\.\/looker_render_bg\.js": import0,\n(?:\s*"[^"]+": import\d+,\n)*\s*\};/;
  if (!returns.test(glue)) throw new Error(`${dir}: the glue's imports are not where they were`);
  glue = glue.replace(returns, `return { __proto__: null, a: { __proto__: null, ...import0, ${entries.join(', ')} } };`);
  writeFileSync(gluePath, glue);
  const wanted = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmPath)));
  if (wanted.some(({ module }) => module !== 'a')) throw new Error(`${dir}: imports from a module other than "a"`);
}

rmSync(pkg, { recursive: true, force: true });
for (const [dir, target] of [['node', 'nodejs'], ['web', 'web']]) {
  run('wasm-bindgen', [wasm, '--target', target, '--out-dir', join(pkg, dir), '--out-name', crate,
    '--remove-name-section', '--remove-producers-section', '--encode-into', 'always']);
  const out = join(pkg, dir, `${crate}_bg.wasm`);
  if (!dev) {
    // The low kilobyte of memory is unused (Rust puts its stack and data above it).
    run(wasmOpt, ['-Oz', '--low-memory-unused', '--strip-target-features', ...wasmFeatures, out, '-o', out]);
    minifyNames(dir, join(pkg, dir, `${crate}.js`), out);
  }
  rmSync(join(pkg, dir, `${crate}_bg.wasm.d.ts`), { force: true });
}

// The package is "type": "module"; the Node glue is CommonJS.
writeFileSync(join(pkg, 'node/package.json'), '{ "type": "commonjs" }\n');

// wasm-bindgen copies our JS snippets (js/*.js, ES modules) next to the glue
// and, for --target nodejs, require()s them: give the Node build CommonJS
// copies. The snippets are written for this: named imports, one export line.
const toCommonJs = (file, source) => {
  const converted = source
    .replace(/^import \{([^}]*)\} from '([^']+)';$/gm, "const {$1} = require('$2');")
    .replace(/^export \{([^}]*)\};$/m, 'module.exports = {$1};');
  if (/^\s*(import|export)\b/m.test(converted)) throw new Error(`${file}: an import/export the CommonJS conversion does not handle`);
  return `'use strict';\n${converted}`;
};
const snippetDir = (dir) => {
  const base = join(pkg, dir, 'snippets');
  const [only] = readdirSync(base);
  return join(base, only, 'js');
};
const nodeSnippets = snippetDir('node');
for (const file of readdirSync(nodeSnippets)) {
  const path = join(nodeSnippets, file);
  writeFileSync(path, toCommonJs(file, readFileSync(path, 'utf8')));
}

// LookerClient (js/client.js) is the class the entries export: thin methods
// over the wasm's one export, `Core`, and batches of renders (js/batch.js).
for (const name of ['client', 'batch']) {
  const source = readFileSync(join(root, `js/${name}.js`), 'utf8');
  writeFileSync(join(pkg, `node/${name}.cjs`), toCommonJs(`${name}.js`, source).replace("require('./batch.js')", "require('./batch.cjs')"));
  writeFileSync(join(pkg, `web/${name}.js`), source);
}

// The public error classes live in js/errors.js; the entries re-export them
// beside LookerClient.
const errorsModule = (dir) => './' + relative(join(pkg, dir), join(snippetDir(dir), 'errors.js'));
const errorNames = [...readFileSync(join(root, 'js/errors.js'), 'utf8').matchAll(/^class (\w+)/gm)].map((m) => m[1]);
const names = ['LookerClient', ...errorNames];

writeFileSync(join(pkg, 'node/index.cjs'), `'use strict';
// CommonJS entry for Node: the wasm is compiled synchronously on first require.
const { Core } = require('./${crate}.js');
const { lookerClientClass } = require('./client.cjs');
module.exports = { LookerClient: lookerClientClass(Core), ...require('${errorsModule('node')}') };
`);
writeFileSync(join(pkg, 'node/index.mjs'), `// ES module entry for Node: the same instance as the CommonJS entry, so
// errors from either pass \`instanceof\` checks from both.
import lib from './index.cjs';
export const { ${names.join(', ')} } = lib;
`);
writeFileSync(join(pkg, 'web/index.js'), `// Entry for browsers, workers and bundlers: fetches and instantiates the
// wasm beside this file once, with top-level await, so no init call is needed.
import { initSync, Core } from './${crate}.js';
import { lookerClientClass } from './client.js';
// Compiled while it downloads; a server that sends the wrong content type gets the slower path.
const url = new URL('./${crate}_bg.wasm', import.meta.url);
const module = await WebAssembly.compileStreaming(fetch(url))
  .catch(() => fetch(url).then((response) => response.arrayBuffer()).then((bytes) => WebAssembly.compile(bytes)));
initSync({ module });
export const LookerClient = lookerClientClass(Core);
export { ${errorNames.join(', ')} } from '${errorsModule('web')}';
`);

// looker-render/inline: the same exports with the wasm inside the JS (base64)
// and compiled synchronously, so no top-level await, no import.meta and no
// second file: for one-file classic-script bundles (a Looker extension's
// bundle.js, IIFE builds). Costs a third more bytes than the .wasm.
writeFileSync(join(pkg, 'web/inline.js'), `// Entry for one-file bundles: the wasm is inlined and instantiated
// synchronously on import (no top-level await, no import.meta, no fetch).
import { initSync, Core } from './${crate}.js';
import { lookerClientClass } from './client.js';
const base64 = '${readFileSync(join(pkg, 'web', `${crate}_bg.wasm`)).toString('base64')}';
const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
initSync({ module: bytes });
export const LookerClient = lookerClientClass(Core);
export { ${errorNames.join(', ')} } from '${errorsModule('web')}';
`);

// One set of types for every entry: the Node glue's, which holds only what
// the crate declares (the models, from the core's serde types through tsify,
// and src/types.d.ts: LookerClient and its options; the wasm's own exports
// are internal and skip TypeScript), with the error classes re-exported from
// errors.d.ts, which tsc writes from js/errors.js's JSDoc (the classes are
// documented there, once).
const types = readFileSync(join(pkg, 'node', `${crate}.d.ts`), 'utf8');
writeFileSync(join(pkg, 'index.d.ts'), `${types}\nexport { ${errorNames.join(', ')} } from './errors.js';\n`);
for (const dir of ['node', 'web']) rmSync(join(pkg, dir, `${crate}.d.ts`), { force: true });
const typesTmp = join(root, 'target', 'errors-d-ts');
rmSync(typesTmp, { recursive: true, force: true });
mkdirSync(typesTmp, { recursive: true });
cpSync(join(root, 'js/errors.js'), join(typesTmp, 'errors.js'));
cpSync(join(pkg, 'index.d.ts'), join(typesTmp, 'index.d.ts'));
run(join(root, 'node_modules/.bin/tsc'), ['--allowJs', '--declaration', '--emitDeclarationOnly', '--target', 'es2022',
  '--lib', 'es2022,dom', '--skipLibCheck', '--outDir', join(typesTmp, 'out'), join(typesTmp, 'errors.js')]);
// The typedefs tsc writes for the JSDoc imports are not part of the API.
const errorTypes = readFileSync(join(typesTmp, 'out', 'errors.d.ts'), 'utf8')
  .replace(/^export type (RenderTask|ValidationErrorDetail) = .*\n/gm, (_, name) => `type ${name} = import('./index.js').${name};\n`);
writeFileSync(join(pkg, 'errors.d.ts'), errorTypes);

// looker-render/extension (js/extension.js): the fetch adapter for Looker
// extension pages. Plain JS, no wasm: ESM, a CommonJS copy, its own types.
mkdirSync(join(pkg, 'extension'), { recursive: true });
const extensionSource = readFileSync(join(root, 'js/extension.js'), 'utf8');
writeFileSync(join(pkg, 'extension/index.js'), extensionSource);
writeFileSync(join(pkg, 'extension/index.cjs'), `'use strict';\n${extensionSource.replace(/^export \{([^}]*)\};$/m, 'module.exports = {$1};')}`);
cpSync(join(root, 'js/extension.d.ts'), join(pkg, 'extension/index.d.ts'));

const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const field = (name) => cargo.match(new RegExp(`^${name} = "([^"]*)"`, 'm'))[1];
const manifest = {
  name: 'looker-render',
  version: field('version'),
  description: field('description'),
  license: field('license'),
  keywords: ['looker', 'looker-api', 'render', 'pdf', 'png', 'wasm'],
  type: 'module',
  main: './node/index.cjs',
  module: './web/index.js',
  browser: './web/index.js',
  types: './index.d.ts',
  exports: {
    '.': {
      types: './index.d.ts',
      node: { import: './node/index.mjs', require: './node/index.cjs' },
      browser: './web/index.js',
      import: './web/index.js',
      default: './web/index.js',
    },
    './inline': {
      types: './index.d.ts',
      default: './web/inline.js',
    },
    './extension': {
      types: './extension/index.d.ts',
      require: './extension/index.cjs',
      default: './extension/index.js',
    },
    './render-kinds': './js/render-kinds.js',
    './package.json': './package.json',
  },
  bin: { 'looker-render': './cli/looker-render.mjs' },
  files: ['index.d.ts', 'errors.d.ts', 'node/', 'web/', 'extension/', 'js/', 'cli/', 'README.md', 'LICENSE'],
  sideEffects: ['./web/index.js', './web/inline.js'],
  engines: { node: '>=18' },
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

// The table of render kinds (js/render-kinds.js, written from the core's
// tables) for the CLI and for callers: `looker-render/render-kinds`.
mkdirSync(join(pkg, 'js'), { recursive: true });
cpSync(join(root, 'js/render-kinds.js'), join(pkg, 'js/render-kinds.js'));

// The looker-render CLI (cli/, plain ES modules, no build step): it imports
// the package as ../node/index.mjs. Its README section is folded into the main one.
cpSync(join(root, 'cli'), join(pkg, 'cli'), { recursive: true, filter: (src) => !src.endsWith('.md') });
chmodSync(join(pkg, 'cli/looker-render.mjs'), 0o755);
for (const file of ['README.md', 'LICENSE']) {
  if (existsSync(join(root, file))) cpSync(join(root, file), join(pkg, file));
}

const size = (path) => {
  const bytes = readFileSync(path);
  return `${(bytes.length / 1024).toFixed(1)} KiB raw, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KiB gzip`;
};
log(`web/${crate}_bg.wasm: ${size(join(pkg, 'web', `${crate}_bg.wasm`))}`);
log(`web/${crate}.js (glue): ${size(join(pkg, 'web', `${crate}.js`))}`);
log(`wrote ${relative(root, pkg)}/`);
mkdirSync(join(root, 'target'), { recursive: true });
