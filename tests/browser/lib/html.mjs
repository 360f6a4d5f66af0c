// A minimal HTML tag scanner for generated pages: start tags with their attributes and line
// numbers, skipping comments and the contents of <script>/<style>. Good enough for checking
// links and attributes of the site's own output; not a general HTML parser.

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) ? String.fromCodePoint(n) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Yields { tag, attrs: Map, line } for every start tag in `text`. */
export function* startTags(text) {
  const re = /<!--[\s\S]*?-->|<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g;
  const attrRe = /([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  let m;
  let line = 1;
  let last = 0;
  while ((m = re.exec(text))) {
    for (let i = last; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
    last = m.index;
    if (!m[1]) continue;
    const tag = m[1].toLowerCase();
    const attrs = new Map();
    let a;
    attrRe.lastIndex = 0;
    while ((a = attrRe.exec(m[2] || ''))) {
      const v = a[2] ?? a[3] ?? a[4] ?? '';
      attrs.set(a[1].toLowerCase(), decodeEntities(v));
    }
    yield { tag, attrs, line };
    if (tag === 'script' || tag === 'style') {
      const end = text.toLowerCase().indexOf(`</${tag}`, re.lastIndex);
      if (end > 0) re.lastIndex = end;
    }
  }
}
