// Static files: the demo page (www/) and the built package (pkg/), or the
// roots startSandbox() was given. GET and HEAD only; never outside a root.
import { statSync, createReadStream } from 'node:fs';
import path from 'node:path';
import { send, textResponse } from './http-util.js';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8', '.ts': 'text/plain; charset=utf-8', '.map': 'application/json; charset=utf-8',
};

function contentType(file) {
  if (file.endsWith('.d.ts')) return 'text/plain; charset=utf-8';
  return CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

/** Serves `rawPath` from the longest matching prefix of `staticRoots` ({ '/url/prefix/': directory }). */
export function serveStatic(staticRoots, req, res, rawPath) {
  const text = (status, message) => send(res, textResponse(status, message));
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'Method not allowed\n');
  let urlPath;
  try { urlPath = decodeURIComponent(rawPath); } catch { return text(400, 'Bad path\n'); }
  if (urlPath.includes('\0')) return text(400, 'Bad path\n');
  const prefix = Object.keys(staticRoots).filter((p) => urlPath.startsWith(p)).sort((a, b) => b.length - a.length)[0];
  if (prefix === undefined) return text(404, 'Not found\n');
  const root = path.resolve(staticRoots[prefix]);
  let file = path.resolve(root, '.' + path.posix.normalize('/' + urlPath.slice(prefix.length)));
  if (file !== root && !file.startsWith(root + path.sep)) return text(404, 'Not found\n');
  try {
    let stats = statSync(file);
    if (stats.isDirectory()) {
      file = path.join(file, 'index.html');
      stats = statSync(file);
    }
    if (!stats.isFile()) return text(404, 'Not found\n');
    res.writeHead(200, { 'content-type': contentType(file), 'content-length': stats.size, 'cache-control': 'no-store' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  } catch {
    return text(404, 'Not found\n');
  }
}
