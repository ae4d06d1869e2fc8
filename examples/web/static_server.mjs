// A tiny static file server for the built demo pages (scripts/web_demo.mjs,
// scripts/test_browser.mjs): 127.0.0.1 only, correct MIME types (WebAssembly
// must be application/wasm for streaming compilation), query strings ignored
// (esbuild's file loader keeps Vite's `?url` suffix), no directory listing,
// and a log of every request so the browser test can check what was served.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/**
 * Serves `mounts` ({ '/vite/': '/abs/dir', ... }) on 127.0.0.1:`port` (0 = any
 * free port). Resolves to { url, requests, close } where `requests` collects
 * { path, status, type } per request.
 */
export function serveStatic(mounts, port = 0) {
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const done = (status, type) => requests.push({ path, status, type });
    const mount = Object.keys(mounts).find((m) => path.startsWith(m));
    if (!mount) {
      res.writeHead(404).end('not found');
      return done(404, '');
    }
    const root = mounts[mount];
    let rel = path.slice(mount.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(root, rel));
    if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) {
      res.writeHead(403).end('forbidden');
      return done(403, '');
    }
    let size;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return done(404, '');
    }
    const type = MIME[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'content-length': size, 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
    done(200, type);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}`,
        requests,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            // Browsers keep connections alive; do not wait for them to time out.
            server.closeAllConnections();
          }),
      });
    });
  });
}
