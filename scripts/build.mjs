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
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

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
// LLVM's inline threshold is raised from opt-level z's to 40: a few more small
// helpers inlined, which measured smallest after gzip (25 to 100 measured; the
// best is a narrow valley, so re-measure after large changes).
const shipped = dev ? 'target' : 'target/shipped';
log(`cargo build --release --target wasm32-unknown-unknown${dev ? '' : ' (std rebuilt, panics abort)'}`);
run('cargo', ['build', '--quiet', '--release', '--target', 'wasm32-unknown-unknown', '--lib', '-p', 'looker-render',
  '--target-dir', shipped, ...(dev ? [] : ['-Zbuild-std=std,panic_abort'])],
  dev ? {} : { RUSTC_BOOTSTRAP: '1', RUSTFLAGS: '-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Cllvm-args=-inline-threshold=40 -Ctarget-feature=-reference-types' });
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
    // Of the functions with one caller, only small ones are inlined (binaryen
    // inlines any size by default): the calls kept compress better than the
    // merged bodies, about 500 bytes of gzip. A second -Oz pass finds a little more.
    run(wasmOpt, ['--one-caller-inline-max-function-size=40', '-Oz', '-Oz', '--low-memory-unused', '--strip-target-features',
      ...wasmFeatures, out, '-o', out]);
    minifyNames(dir, join(pkg, dir, `${crate}.js`), out);
  }
  rmSync(join(pkg, dir, `${crate}_bg.wasm.d.ts`), { force: true });
}

// The package is "type": "module"; the Node glue is CommonJS.
writeFileSync(join(pkg, 'node/package.json'), '{ "type": "commonjs" }\n');

// wasm-bindgen copies our JS snippets (js/*.js, ES modules) next to the glue
// and, for --target nodejs, require()s them: give the Node build CommonJS
// copies. The snippets are written for this: named imports, one export line.
// (The same conversion makes the CommonJS copies of the other plain-JS entries:
// js/extension.js, js/pdf.js, js/render-kinds.js, whose one export may also be
// an `export const`.)
const toCommonJs = (file, source) => {
  const declared = [];
  let converted = source
    .replace(/^import \{([^}]*)\} from '([^']+)';$/gm, "const {$1} = require('$2');")
    .replace(/^export \{([^}]*)\};$/m, 'module.exports = {$1};')
    .replace(/^export const (\w+) =/gm, (_, name) => { declared.push(name); return `const ${name} =`; });
  if (declared.length && /^module\.exports\b/m.test(converted)) throw new Error(`${file}: both export {...} and export const`);
  if (declared.length) converted += `module.exports = { ${declared.join(', ')} };\n`;
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

// looker-render/inline: the same exports with the wasm inside the JS and
// compiled synchronously, so no top-level await, no import.meta and no second
// file: for one-file classic-script bundles (a Looker extension's bundle.js,
// IIFE builds). The wasm is a string of one character per byte, in ASCII:
// bytes from 0x7f escaped (\xNN), NUL as \0, line breaks, quote and
// backslash escaped, the other control characters as they are (as esbuild
// prints them). gzip packs that to within a tenth of the .wasm's own size;
// base64 would cost a third more.
const wasmLiteral = (bytes) => {
  let literal = "'";
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 0) literal += bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39 ? '\\x00' : '\\0';
    else if (byte === 0x0a) literal += '\\n';
    else if (byte === 0x0d) literal += '\\r';
    else if (byte === 0x27 || byte === 0x5c) literal += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x7f) literal += `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    else literal += String.fromCharCode(byte);
  }
  literal += "'";
  // The string must read back as exactly the bytes.
  const read = new Function(`return ${literal};`)();
  if (read.length !== bytes.length || [...bytes].some((byte, i) => read.charCodeAt(i) !== byte)) throw new Error('the inlined wasm does not read back');
  return literal;
};
writeFileSync(join(pkg, 'web/inline.js'), `// Entry for one-file bundles: the wasm is inlined and instantiated
// synchronously on import (no top-level await, no import.meta, no fetch).
import { initSync, Core } from './${crate}.js';
import { lookerClientClass } from './client.js';
// The wasm, one character per byte.
const wasm = ${wasmLiteral(readFileSync(join(pkg, 'web', `${crate}_bg.wasm`)))};
const bytes = new Uint8Array(wasm.length);
for (let i = 0; i < wasm.length; i++) bytes[i] = wasm.charCodeAt(i);
initSync({ module: bytes });
export const LookerClient = lookerClientClass(Core);
export { ${errorNames.join(', ')} } from '${errorsModule('web')}';
`);
// Its CommonJS copy, for require('looker-render/inline') (Node before 20.19
// cannot require an ES module): the same module and what it imports, as one
// CommonJS file. The glue's import.meta.url is only read by its async init,
// which this entry never calls; in CommonJS it is left empty.
esbuild.buildSync({ entryPoints: [join(pkg, 'web/inline.js')], outfile: join(pkg, 'web/inline.cjs'), bundle: true,
  format: 'cjs', platform: 'neutral', logLevel: 'error', logOverride: { 'empty-import-meta': 'silent' },
  banner: { js: '// CommonJS copy of web/inline.js (scripts/build.mjs bundles it with esbuild): the wasm inlined, compiled on require.' } });

// One set of types for every entry: the Node glue's, which holds only what
// the crate declares (the models, from the core's serde types through tsify,
// and src/types.d.ts: LookerClient and its options; the wasm's own exports
// are internal and skip TypeScript), with the error classes re-exported from
// errors.d.ts, which tsc writes from js/errors.js's JSDoc (the classes are
// documented there, once).
//
// Every entry's types come twice: NAME.d.ts, read as ES module types (the
// package is "type": "module"), and NAME.d.cts, read as CommonJS types, for
// the `import` and `require` conditions. They say the same; the .d.cts files
// name their siblings as .cjs so that TypeScript stays in CommonJS there.
// (One .d.ts under `require` makes TypeScript think `require('looker-render')`
// gives an ES module: attw's "masquerading as ESM".)
const writeTypes = (path, text) => {
  writeFileSync(join(pkg, `${path}.d.ts`), text);
  writeFileSync(join(pkg, `${path}.d.cts`), text.replace(/((?:from |import\()'\.\.?\/[^']+)\.js'/g, "$1.cjs'"));
};
const types = readFileSync(join(pkg, 'node', `${crate}.d.ts`), 'utf8');
writeTypes('index', `${types}\nexport { ${errorNames.join(', ')} } from './errors.js';\n`);
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
writeTypes('errors', errorTypes);

// Entries of plain JS, no wasm: DIR/index.js (the source as is), DIR/index.cjs
// (a CommonJS copy) and the types, DIR/index.d.ts and .d.cts.
const plainEntry = (dir, source, typesText) => {
  mkdirSync(join(pkg, dir), { recursive: true });
  const code = readFileSync(join(root, source), 'utf8');
  writeFileSync(join(pkg, dir, 'index.js'), code);
  writeFileSync(join(pkg, dir, 'index.cjs'), toCommonJs(source, code));
  writeTypes(`${dir}/index`, typesText);
};

// looker-render/extension (js/extension.js): the fetch adapter for Looker extension pages.
plainEntry('extension', 'js/extension.js', readFileSync(join(root, 'js/extension.d.ts'), 'utf8'));

// looker-render/pdf (js/pdf.js): mergePdfs, one PDF from many. The only entry
// that loads pdf-lib (a dependency of the package for it alone).
plainEntry('pdf', 'js/pdf.js', readFileSync(join(root, 'js/pdf.d.ts'), 'utf8'));

// The table of render kinds (js/render-kinds.js, written from the core's
// tables) for the CLI and for callers: `looker-render/render-kinds`. Its
// types are the table's own, literally (it is deep-frozen: `as const` is true).
mkdirSync(join(pkg, 'js'), { recursive: true });
const renderKindsSource = readFileSync(join(root, 'js/render-kinds.js'), 'utf8');
writeFileSync(join(pkg, 'js/render-kinds.js'), renderKindsSource);
writeFileSync(join(pkg, 'js/render-kinds.cjs'), toCommonJs('js/render-kinds.js', renderKindsSource));
const literalType = (value, indent = '') => {
  const inner = `${indent}  `;
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object')) return `readonly [${value.map((item) => literalType(item)).join(', ')}]`;
  if (Array.isArray(value)) return `readonly [\n${value.map((item) => `${inner}${literalType(item, inner)},\n`).join('')}${indent}]`;
  if (value && typeof value === 'object') {
    return `{\n${Object.entries(value).map(([key, item]) => `${inner}readonly ${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${literalType(item, inner)};\n`).join('')}${indent}}`;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  throw new Error(`js/render-kinds.js: no literal type for ${typeof value}`);
};
const { renderKinds } = await import(pathToFileURL(join(root, 'js/render-kinds.js')).href);
writeTypes('js/render-kinds', `// Types of \`looker-render/render-kinds\`: the table itself (scripts/build.mjs writes them from js/render-kinds.js).
export declare const renderKinds: ${literalType(renderKinds)};
`);

// TypeScript's older resolution (moduleResolution node10, "node") and tools
// that predate `exports` look for a subpath as a file or folder: entries that
// live elsewhere get a folder holding only a package.json that points there.
const stubs = { inline: { main: '../web/inline.cjs', types: '../index.d.ts' },
  'render-kinds': { main: '../js/render-kinds.cjs', types: '../js/render-kinds.d.ts' } };
for (const [dir, fields] of Object.entries(stubs)) {
  mkdirSync(join(pkg, dir), { recursive: true });
  writeFileSync(join(pkg, dir, 'package.json'), JSON.stringify(fields, null, 2) + '\n');
}

// An entry with CommonJS and ES module files: each condition with its own types.
const dual = (types, cjs, esm) => ({
  require: { types: `${types}.d.cts`, default: cjs },
  default: { types: `${types}.d.ts`, default: esm },
});

const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const field = (name) => cargo.match(new RegExp(`^${name} = "([^"]*)"`, 'm'))[1];
const manifest = {
  name: 'looker-render',
  version: field('version'),
  description: field('description'),
  license: field('license'),
  keywords: ['looker', 'looker-api', 'render', 'pdf', 'png', 'wasm'],
  repository: { type: 'git', url: 'git+https://github.com/looker-render/looker-render.git' },
  homepage: 'https://github.com/looker-render/looker-render#readme',
  bugs: 'https://github.com/looker-render/looker-render/issues',
  type: 'module',
  // For tools that predate `exports`: Node's CommonJS entry, and the web entry for bundlers.
  main: './node/index.cjs',
  module: './web/index.js',
  types: './index.d.ts',
  exports: {
    // Node gets the wasm from the file beside the glue, synchronously; everything
    // else (browsers, workers, bundlers) the web entry, with top-level await.
    '.': {
      node: dual('./index', './node/index.cjs', './node/index.mjs'),
      default: { types: './index.d.ts', default: './web/index.js' },
    },
    './inline': dual('./index', './web/inline.cjs', './web/inline.js'),
    './extension': dual('./extension/index', './extension/index.cjs', './extension/index.js'),
    './pdf': dual('./pdf/index', './pdf/index.cjs', './pdf/index.js'),
    './render-kinds': dual('./js/render-kinds', './js/render-kinds.cjs', './js/render-kinds.js'),
    './package.json': './package.json',
  },
  bin: { 'looker-render': './cli/looker-render.mjs' },
  files: ['index.d.ts', 'index.d.cts', 'errors.d.ts', 'errors.d.cts', 'node/', 'web/', 'extension/', 'pdf/', 'js/',
    ...Object.keys(stubs).map((dir) => `${dir}/`), 'cli/', 'README.md', 'CHANGELOG.md', 'LICENSE'],
  // Importing these does more than define things: they fetch or read the wasm and compile it.
  sideEffects: ['./web/index.js', './web/inline.js', './web/inline.cjs', './node/looker_render.js'],
  dependencies: { 'pdf-lib': '^1.17.1' },
  engines: { node: '>=18' },
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

// The looker-render CLI (cli/, plain ES modules, no build step): it imports
// the package as ../node/index.mjs. Its README section is folded into the main one.
cpSync(join(root, 'cli'), join(pkg, 'cli'), { recursive: true, filter: (src) => !src.endsWith('.md') });
chmodSync(join(pkg, 'cli/looker-render.mjs'), 0o755);
for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE']) {
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
