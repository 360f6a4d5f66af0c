// A small static file server for the built site, on loopback only.
//
// It serves DIR the way a plain web server would: "/a/" -> a/index.html, "/a" -> a/index.html
// when a is a folder, percent-decoded UTF-8 paths, and DIR/404.html with status 404 for anything
// missing. It also counts what it served, so the suite can tell which files were fetched.
//
// HOOK for the feedback receiver: when `proxy` is given ({ prefixes: ['/feedback', '/receipt'],
// origin: 'http://127.0.0.1:8080' }), requests under those paths are passed to that origin
// unchanged, so a page's form posts reach the real receiver through the site's own origin.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const full = path.resolve(root, '.' + decoded);
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  let st;
  try {
    st = fs.statSync(full);
  } catch {
    return null;
  }
  if (st.isDirectory()) {
    const idx = path.join(full, 'index.html');
    return fs.existsSync(idx) ? idx : null;
  }
  return st.isFile() ? full : null;
}

function proxyTo(origin, req, res) {
  const target = new URL(req.url, origin);
  const up = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
    res.writeHead(r.statusCode ?? 502, r.headers);
    r.pipe(res);
  });
  up.on('error', (e) => {
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`proxy error: ${e.message}`);
  });
  req.pipe(up);
}

/** Start serving `dir`; resolves to { origin, close() }. */
export function serve(dir, { port = 0, proxy = null } = {}) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://localhost');
    if (proxy && proxy.prefixes.some((pre) => u.pathname === pre || u.pathname.startsWith(pre + '/'))) {
      proxyTo(proxy.origin, req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const file = resolveFile(root, u.pathname);
    if (file && !u.pathname.endsWith('/') && fs.statSync(path.resolve(root, '.' + decodeURIComponent(u.pathname))).isDirectory()) {
      res.writeHead(301, { location: u.pathname + '/' + u.search });
      res.end();
      return;
    }
    const send = (status, f) => {
      const body = fs.readFileSync(f);
      res.writeHead(status, {
        'content-type': TYPES[path.extname(f).toLowerCase()] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (file) {
      send(200, file);
    } else if (fs.existsSync(path.join(root, '404.html'))) {
      send(404, path.join(root, '404.html'));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({
        origin: `http://127.0.0.1:${p}`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
