// Tiny static file server for a built vade site, on loopback only.
//   import { startServer } from './serve.mjs';
//   const srv = await startServer('/path/to/dist');   // srv.url = 'http://127.0.0.1:PORT/'
//   ... ; await srv.close();
// Or stand-alone: node serve.mjs SITE_DIR [PORT]   (PORT 0 or absent = a random free port)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.map': 'application/json', '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.avif': 'image/avif', '.ico': 'image/x-icon',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf',
  '.pdf': 'application/pdf',
};

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

export function startServer(rootDir, { host = '127.0.0.1', port = 0 } = {}) {
  const root = fs.realpathSync(path.resolve(rootDir));
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(res, 400, 'bad request\n');
    }
    if (rel.includes('\0')) return send(res, 400, 'bad request\n');
    let file = path.resolve(root, '.' + path.posix.normalize(rel));
    if (file !== root && !file.startsWith(root + path.sep)) return send(res, 403, 'forbidden\n');
    let st;
    try {
      st = fs.statSync(file);
      if (st.isDirectory()) {
        if (!rel.endsWith('/')) return send(res, 301, '', { Location: rel + '/' });
        file = path.join(file, 'index.html');
        st = fs.statSync(file);
      }
      // Refuse symlinks that lead outside the site.
      const real = fs.realpathSync(file);
      if (real !== root && !real.startsWith(root + path.sep)) return send(res, 403, 'forbidden\n');
    } catch {
      return send(res, 404, 'not found\n');
    }
    if (!st.isFile()) return send(res, 404, 'not found\n');
    const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': st.size, 'Cache-Control': 'no-store' });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      resolve({
        server, port: p, url: `http://${host}:${p}/`,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, port] = process.argv.slice(2);
  if (!dir) { console.error('usage: node serve.mjs SITE_DIR [PORT]'); process.exit(2); }
  const srv = await startServer(dir, { port: Number(port || 0) });
  console.log(`serving ${path.resolve(dir)} at ${srv.url}`);
}
