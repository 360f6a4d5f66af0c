// Internal link check over a built site folder: every internal href/src/srcset/poster/data in
// every .html file must resolve to a file in the folder, and a #fragment must name an id (or
// <a name>) in the target page. Paths are percent-decoded as UTF-8; "dir/" resolves to
// dir/index.html; "?query" is ignored; links with a scheme or "//host" are external and skipped.
import fs from 'node:fs';
import path from 'node:path';
import { startTags } from './html.mjs';

const URL_ATTRS = {
  a: ['href'], area: ['href'], link: ['href'], img: ['src'], script: ['src'], iframe: ['src'],
  audio: ['src'], video: ['src', 'poster'], source: ['src'], track: ['src'], embed: ['src'],
  object: ['data'], input: ['src'],
};

export function listFiles(root, pred) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (pred(e.name)) out.push(p);
    }
  };
  walk(root);
  return out;
}

function scan(file) {
  const text = fs.readFileSync(file, 'utf8');
  const refs = [];
  const anchors = new Set();
  const imgs = [];
  const scripts = [];
  for (const { tag, attrs, line } of startTags(text)) {
    if (attrs.get('id')) anchors.add(attrs.get('id'));
    if (tag === 'a' && attrs.get('name')) anchors.add(attrs.get('name'));
    if (tag === 'img') imgs.push({ line, attrs });
    if (tag === 'script') scripts.push({ line, attrs });
    for (const attr of URL_ATTRS[tag] ?? []) {
      if (attrs.has(attr)) refs.push({ line, tag, attr, value: attrs.get(attr) });
    }
    if ((tag === 'img' || tag === 'source') && attrs.get('srcset')) {
      for (const c of attrs.get('srcset').split(',')) {
        const v = c.trim().split(/\s+/)[0];
        if (v) refs.push({ line, tag, attr: 'srcset', value: v });
      }
    }
  }
  return { refs, anchors, imgs, scripts };
}

function joinPath(pageUrlPath, ref) {
  const joined = ref.startsWith('/') ? ref : pageUrlPath.replace(/[^/]*$/, '') + ref;
  const trailing = joined.endsWith('/') || /\/\.\.?$/.test(joined);
  const out = [];
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return null;
      out.pop();
      continue;
    }
    out.push(seg);
  }
  let p = '/' + out.join('/');
  if (trailing && !p.endsWith('/')) p += '/';
  return p;
}

/**
 * Check `root`. `pending` is a list of { test(urlPath) -> bool, note } for pages other work
 * will generate: a reference to one of them is only excused while its target is missing.
 * Returns { files, checked, external, broken: [...], excused: Map(note -> count), pages }.
 */
export function checkLinks(root, { pending = [] } = {}) {
  root = path.resolve(root);
  const files = listFiles(root, (n) => /\.html?$/i.test(n));
  const pages = new Map();
  for (const f of files) pages.set(f, scan(f));
  const anchorsOf = (f) => {
    if (!pages.has(f)) pages.set(f, scan(f));
    return pages.get(f).anchors;
  };
  const toFile = (urlPath) => {
    const full = path.join(root, ...urlPath.split('/').filter(Boolean));
    if (!full.startsWith(root)) return [null, 'escapes the site folder'];
    if (urlPath.endsWith('/')) {
      const idx = path.join(full, 'index.html');
      if (fs.existsSync(idx)) return [idx, null];
      return [null, fs.existsSync(full) ? 'no index.html in folder' : 'folder missing'];
    }
    if (fs.existsSync(full) && fs.statSync(full).isFile()) return [full, null];
    if (fs.existsSync(path.join(full, 'index.html'))) return [path.join(full, 'index.html'), null];
    return [null, 'file missing'];
  };
  let checked = 0;
  let external = 0;
  const broken = [];
  const excused = new Map();
  for (const [file, info] of [...pages]) {
    const rel = path.relative(root, file);
    const pageUrl = '/' + rel.split(path.sep).join('/');
    for (const r of info.refs) {
      const value = r.value.trim();
      if (!value) continue;
      if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('//')) {
        external++;
        continue;
      }
      checked++;
      const hashAt = value.indexOf('#');
      const frag = hashAt >= 0 ? value.slice(hashAt + 1) : '';
      const beforeHash = hashAt >= 0 ? value.slice(0, hashAt) : value;
      const pathPart = beforeHash.split('?')[0];
      let decoded;
      try {
        decoded = decodeURIComponent(pathPart);
      } catch {
        broken.push({ rel, ...r, reason: 'percent-encoding is not UTF-8' });
        continue;
      }
      const target = pathPart === '' ? pageUrl : joinPath(pageUrl, decoded);
      if (!target) {
        broken.push({ rel, ...r, reason: 'escapes the site root' });
        continue;
      }
      const [tfile, reason] = toFile(target);
      if (!tfile) {
        const p = pending.find((x) => x.test(target));
        if (p) {
          excused.set(p.note, (excused.get(p.note) ?? 0) + 1);
          continue;
        }
        broken.push({ rel, ...r, reason: `${target}: ${reason}` });
        continue;
      }
      if (frag && frag !== 'top' && /\.html?$/i.test(tfile)) {
        let f = frag;
        try { f = decodeURIComponent(frag); } catch { /* keep raw */ }
        if (!anchorsOf(tfile).has(f)) broken.push({ rel, ...r, reason: `no id "${f}" in ${path.relative(root, tfile)}` });
      }
    }
  }
  return { files: files.length, checked, external, broken, excused, pages };
}
