// Static server for bench/search.sh, on loopback only. It answers like the nginx setup in
// docs/deploy/nginx/gongshi.conf, so bytes and repeat visits are those of a real deployment:
//
// - gzip (level 5) for text types of at least 1,024 bytes (html, css, js, json, svg, xml);
//   Pagefind's .pf_* and .pagefind files are already gzip-compressed and go out as they are;
// - Cache-Control: no-cache everywhere ("expires -1": the browser revalidates and gets a 304
//   when the file is unchanged), except /static/ (max-age=3600) and /pagefind/ (see below);
// - ETag and Last-Modified, answering If-None-Match / If-Modified-Since with 304.
//
// /pagefind/ gets the same no-cache as the rest of the site by default; Pagefind's own docs
// leave caching to the host. Its file names carry content hashes, so a host could cache them.
//
// tests/browser/lib/server.mjs is not reused: it sends no-store and never compresses, which
// would make the byte counts and the repeat-visit numbers unlike production.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};
const GZIP = /^(text\/|application\/(javascript|json|xml)|image\/svg)/;

/** Serve `dir` on 127.0.0.1; resolves to { origin, close() }. */
export function serve(dir, { port = 0 } = {}) {
  const root = path.resolve(dir);
  const gz = new Map(); // file -> gzipped bytes (the site does not change while served)
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://localhost');
    let rel;
    try { rel = decodeURIComponent(u.pathname); } catch { rel = '/'; }
    let file = path.resolve(root, '.' + rel);
    if (file !== root && !file.startsWith(root + path.sep)) file = null;
    let st = file && fs.statSync(file, { throwIfNoEntry: false });
    if (st && st.isDirectory()) {
      if (!rel.endsWith('/')) {
        res.writeHead(301, { location: rel + '/' + u.search });
        return res.end();
      }
      file = path.join(file, 'index.html');
      st = fs.statSync(file, { throwIfNoEntry: false });
    }
    let status = 200;
    if (!st || !st.isFile()) {
      status = 404;
      file = path.join(root, '404.html');
      st = fs.statSync(file, { throwIfNoEntry: false });
      if (!st) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
      }
    }
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const headers = {
      'content-type': type,
      etag,
      'last-modified': st.mtime.toUTCString(),
      'cache-control': rel.startsWith('/static/') ? 'max-age=3600' : 'no-cache',
      vary: 'Accept-Encoding',
    };
    if (status === 200 && req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      return res.end();
    }
    let body = fs.readFileSync(file);
    if (GZIP.test(type) && body.length >= 1024 && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      if (!gz.has(file)) gz.set(file, zlib.gzipSync(body, { level: 5 }));
      body = gz.get(file);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({
        origin: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

// `node server.mjs DIR`: serve DIR in a process of its own (bench.mjs does this, so the browser
// driver's work does not delay the answers); prints the origin on the first line of stdout.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { origin } = await serve(process.argv[2]);
  console.log(origin);
}
