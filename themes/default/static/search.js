/* gongshi site search (ES2017): see docs/dev/search.md. Tokenizer = src/search/tokenize.rs. */
(() => {
'use strict';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', DEC = new Int8Array(128);
for (let i = 0; i < 64; i++) DEC[B64.charCodeAt(i)] = i;
const BODY = [0, 1, 1.4, 1.7], PAGE = 10, SNIP = 110; // title 6, meta 3, body by tf
const CJK = [0x3007, 0x3007, 0x3041, 0x3096, 0x30A1, 0x30FA, 0x3400, 0x4DBF, 0x4E00, 0x9FFF,
  0xAC00, 0xD7A3, 0xF900, 0xFAFF, 0x20000, 0x2FA1F, 0x30000, 0x3134F];
const inR = (c, r) => { for (let i = 0; i < r.length; i += 2) if (c >= r[i] && c <= r[i + 1]) return true; };
// Character class: 0 separator, 1 letter, 2 digit, 3 CJK.
const cls = c => inR(c, [65, 90, 97, 122]) ? 1 : c >= 48 && c <= 57 ? 2 : inR(c, CJK) ? 3 :
  c !== 0xD7 && c !== 0xF7 && inR(c, [0xC0, 0x24F, 0x370, 0x52F]) ? 1 : 0;
// Runs of one class: {c, t: normalised chars, s/e: UTF-16 offsets}.
function runs(text) {
  const out = [];
  let cur = null, i = 0;
  for (const ch of text) {
    const s = i;
    let cp = ch.codePointAt(0);
    i += ch.length;
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    const c = cls(cp);
    if (!c) { cur = null; continue; }
    if (!cur || cur.c !== c) out.push(cur = { c, t: [], s: [], e: [] });
    cur.t.push(String.fromCodePoint(cp));
    cur.s.push(s);
    cur.e.push(i);
  }
  return out;
}
const word = r => r.t.slice(0, 32).map(x => x.toLowerCase()).join('');
// Traditional → Simplified (src/hant.rs): static/t2s.json is one string of character pairs.
// A folded character has the UTF-16 length of the original, so offsets stay those of text.
const parseT2S = str => { const a = Array.from(str), m = new Map(); for (let i = 1; i < a.length; i += 2) m.set(a[i - 1], a[i]); return m; };
const fold = (text, map) => map instanceof Map ? Array.from(text, ch => map.get(ch) || ch).join('') : text;
const hasCJK = text => Array.from(text).some(ch => cls(ch.codePointAt(0)) === 3);
// Per run: its CJK bigrams, a lone CJK character, a word or a number.
const queryTerms = (text, map) => runs(fold(text, map)).map(r => r.c < 3 ? [word(r)] : r.t.length < 2 ? r.t :
  r.t.slice(1).map((x, i) => r.t[i] + x));
const hash = s => { // FNV-1a over UTF-16 units
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};
function decode(str) { // base-64 VLQ of gap * 16 + field code → {ids, codes} (typed arrays)
  const ids = new Int32Array(str.length), codes = new Uint8Array(str.length);
  let id = -1, v = 0, mul = 1, n = 0;
  for (let i = 0; i < str.length; i++) {
    const d = DEC[str.charCodeAt(i) & 127];
    v += (d & 31) * mul;
    if (d & 32) { mul *= 32; continue; }
    ids[n] = id += Math.floor(v / 16);
    codes[n++] = v % 16;
    v = 0; mul = 1;
  }
  return { ids: ids.subarray(0, n), codes: codes.subarray(0, n) };
}

// load(path, build) → Promise of the parsed JSON file under search/; loadT2S() (optional) →
// Promise of static/t2s.json, fetched for the first query with a CJK character (a query that
// cannot fold works unfolded).
function createEngine(load, loadT2S) {
  const files = {};
  let metaP, t2sP;
  const t2s = q => !loadT2S || !hasCJK(q) ? null : t2sP || (t2sP = loadT2S().then(parseT2S, () => { t2sP = null; return null; }));
  const get = (path, build) => files[path] || (files[path] = load(path, build).catch(e => { delete files[path]; throw e; }));
  const meta = () => metaP || (metaP = load('meta.json', '').then(m => {
    if (m.v !== 2) throw Error('index version');
    // Title weight by length (BM25-style, b = 0.3): covering a short title counts more.
    const tl = m.tl || '', N = m.n, kw = m.kw;
    let sum = 0, at = 0;
    for (let i = 0; i < tl.length; i++) sum += DEC[tl.charCodeAt(i)];
    const avg = Math.max(1, sum / (tl.length || 1)), tw = m.tw = new Float64Array(N), kindOf = m.kindOf = new Uint16Array(N);
    for (let i = 0; i < N; i++) tw[i] = 6 / (0.7 + 0.3 * (DEC[tl.charCodeAt(i)] || avg) / avg);
    for (let i = 0; i < N * kw; i++) kindOf[i / kw | 0] = kindOf[i / kw | 0] * 64 + DEC[m.k.charCodeAt(i)];
    m.yearOf = new Int32Array(N);
    for (const [y, n] of m.years) m.yearOf.fill(y, at, at += n);
    return m;
  }).catch(e => { metaP = null; throw e; }));

  // keep(result, meta): the page's filters, so that the chunks of its first page are fetched
  // at once.
  async function search(q, keep) {
    const [m, map] = await Promise.all([meta(), t2s(q)]), groups = queryTerms(q, map), terms = [...new Set([].concat(...groups))].slice(0, 40);
    const res = { terms, results: [], meta: m, map }, N = m.n, T = terms.length, tw = m.tw;
    if (!T) return res;
    // Each list is decoded as soon as its shard arrives, while the others are still loading.
    const ls = await Promise.all(terms.map(t => get(`shards/${hash(t) % m.shards}.json`, m.build)
      .then(s => decode(Object.prototype.hasOwnProperty.call(s, t) ? s[t] : ''))));
    const score = new Float64Array(N), hit = new Uint8Array(N), touched = new Int32Array(N), lists = {}, idf = {};
    let nt = 0;
    terms.forEach((t, ti) => {
      const l = lists[t] = ls[ti], ids = l.ids, codes = l.codes, df = ids.length;
      const w = idf[t] = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      for (let j = 0; j < df; j++) {
        const d = ids[j], c = codes[j];
        if (!hit[d]++) touched[nt++] = d;
        score[d] += w * ((c & 1 ? tw[d] : 0) + (c & 2 ? 3 : 0) + BODY[c >> 2]);
      }
    });
    // Phrase bonus: consecutive bigrams of a query run in the same field.
    for (const g of groups) {
      for (let i = 1; i < g.length; i++) {
        const a = lists[g[i - 1]], b = lists[g[i]], w = Math.min(idf[g[i - 1]], idf[g[i]]) / 2;
        if (a === b) continue;
        const ai = a.ids, bi = b.ids, na = ai.length, nb = bi.length;
        for (let x = 0, y = 0; x < na && y < nb;) {
          const d = ai[x];
          if (d !== bi[y]) { d < bi[y] ? x++ : y++; continue; }
          const ca = a.codes[x++], cb = b.codes[y++], s = ca & cb;
          score[d] += w * (s & 1 ? tw[d] : s & 2 ? 3 : ca >> 2 && cb >> 2 ? 1 : 0);
        }
      }
    }
    const all = [], top = [];
    for (let i = 0; i < nt; i++) {
      const id = touched[i], h = hit[id];
      if (h * 2 >= T) all.push({ id, score: score[id], hits: h, full: h === T, kind: m.kindOf[id], year: m.yearOf[id] });
    }
    res.results = all.sort((a, b) => b.hits - a.hits || (Math.abs(b.score - a.score) > 1e-9 ? b.score - a.score : a.id - b.id));
    // The chunks of the first page (with the page's filters) start loading now.
    for (let i = 0; i < all.length && top.length < PAGE; i++) if (!keep || keep(all[i], m)) top.push(all[i].id);
    docs(top).catch(() => {});
    return res;
  }
  // Documents by id: {id, url, title, label, date, meta: [], text}.
  const docs = async ids => {
    const m = await meta();
    return Promise.all(ids.map(async id => {
      const e = (await get(`docs/${id / m.chunk | 0}.json`, m.build))[id % m.chunk];
      return { id, url: e[0], title: e[1], label: m.labels[e[2]], date: e[3], meta: e[4], text: e[5] };
    }));
  };
  return { meta, search, docs };
}

// Merged [start, end) ranges of the tokens of text that are query terms (text folded by map).
function highlight(text, terms, map) {
  const set = new Set(terms), rs = [], out = [];
  for (const r of runs(fold(text, map))) {
    if (r.c < 3) { if (set.has(word(r))) rs.push([r.s[0], r.e[r.e.length - 1]]); continue; }
    r.t.forEach((x, i) => {
      if (set.has(x)) rs.push([r.s[i], r.e[i]]);
      if (i + 1 < r.t.length && set.has(x + r.t[i + 1])) rs.push([r.s[i], r.e[i + 1]]);
    });
  }
  for (const r of rs.sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}
// The SNIP-character window covering the most highlighted text.
function snippet(text, terms, map) {
  const rs = highlight(text, terms, map);
  let from = 0, best = -1;
  for (const r of text.length > SNIP ? rs : []) {
    const cov = rs.reduce((n, o) => o[0] >= r[0] && o[1] <= r[0] + SNIP ? n + o[1] - o[0] : n, 0);
    if (cov > best) { best = cov; from = Math.max(0, Math.min(r[0] - 10, text.length - SNIP)); }
  }
  const to = Math.min(text.length, from + SNIP), part = text.slice(from, to), off = from ? 1 - from : 0;
  return {
    text: (from ? '…' : '') + part + (to < text.length && !part.endsWith('…') ? '…' : ''),
    ranges: rs.filter(r => r[0] >= from && r[1] <= to).map(r => [r[0] + off, r[1] + off]),
  };
}

if (typeof module === 'object') module.exports = { queryTerms, parseT2S, hash, decode, createEngine, highlight, snippet };
if (typeof document === 'undefined') return;

// The page.
const $ = id => document.getElementById(id);
function add(parent, tag, cls, text) {
  const e = parent.appendChild(document.createElement(tag));
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}
function marked(e, text, ranges) { // text nodes and <mark>s, never HTML
  let at = 0;
  for (const [a, b] of ranges.concat([[text.length, text.length]])) {
    if (a > at) e.appendChild(document.createTextNode(text.slice(at, a)));
    if (b > a) add(e, 'mark', '', text.slice(a, b));
    at = b;
  }
  return e;
}
function init() {
  const box = $('search'), input = $('search-q'), status = $('search-status'), list = $('search-results');
  const filters = $('search-filters'), fallback = $('search-fallback') || {};
  if (!box || !input || !status || !list || !filters) return;
  const root = (box.getAttribute('data-root') || '').replace(/\/?$/, '/');
  const more = add(box, 'button', 'search-more', '显示更多结果');
  let seq = 0, qseq = 0, st, shown, timer, last;
  // meta.json is revalidated every time; the other files are named by the index's build hash
  // (?v=), so a copy in the HTTP cache is used without asking the server again.
  const engine = createEngine((path, build) =>
    fetch(`${root}search/${path}${build ? '?v=' + build : ''}`, { cache: build ? 'force-cache' : 'no-cache' })
      .then(r => { if (!r.ok) throw Error(r.status); return r.json(); }),
    () => fetch(`${root}static/t2s.json`).then(r => { if (!r.ok) throw Error(r.status); return r.json(); }));
  more.type = 'button';
  list.after(more);
  status.setAttribute('aria-live', 'polite');
  const say = t => { status.textContent = t; };
  const keep = p => (r, m) => (!p.kind || m.kinds[r.kind][0] === p.kind) && (!p.year || r.year == p.year);
  const filtered = () => st.res.results.filter(r => keep(st.p)(r, st.res.meta));
  function clear(on) {
    list.textContent = filters.textContent = '';
    filters.hidden = more.hidden = true;
    fallback.hidden = !on;
    shown = 0;
  }
  function select(label, name, opts) {
    const s = add(add(filters, 'label', 'search-filter', label + '：'), 'select');
    s.name = name;
    for (const [v, t] of opts) {
      const o = add(s, 'option', '', t);
      o.value = v;
      o.selected = v == st.p[name];
    }
    s.addEventListener('change', () => {
      st.p[name] = s.value;
      const q = ['q', 'kind', 'year'].filter(k => st.p[k]).map(k => [k, st.p[k]]);
      history.replaceState(null, '', location.pathname + '?' + new URLSearchParams(q));
      last = location.search;
      render();
    });
  }
  function render() {
    const m = st.res.meta, p = st.p, all = st.res.results, rs = filtered(), kc = {}, yc = {};
    const scope = p.kind || p.year ? '（已筛选）' : '', part = rs.filter(r => !r.full).length;
    clear(!rs.length);
    seq++; // a page still loading for the previous filter is dropped
    for (const r of all) { kc[r.kind] = (kc[r.kind] || 0) + 1; yc[r.year] = (yc[r.year] || 0) + 1; }
    if (all.length) {
      select('类别', 'kind', [['', `全部类别（${all.length}）`]].concat(Object.keys(kc).map(k => [m.kinds[k][0], `${m.kinds[k][1]}（${kc[k]}）`])));
      select('年份', 'year', [['', '全部年份']].concat(Object.keys(yc).filter(y => +y).reverse().map(y => [y, `${y}年（${yc[y]}）`])));
      filters.hidden = false;
    }
    if (!rs.length) {
      return say(`没有找到与“${p.q}”相关的结果${scope}。建议：检查错别字，换用更短的关键词${scope ? '，取消筛选' : ''}；` +
        '文号、案号可只输入年份和序号，如“2026 17”；也可浏览网站地图。');
    }
    say(`找到 ${rs.length} 条与“${p.q}”相关的结果${part ? `，其中 ${part} 条部分匹配` : ''}${scope}。`);
    page(rs);
  }
  async function page(rs) {
    const my = seq, slice = rs.slice(shown, shown + PAGE), terms = st.res.terms, map = st.res.map, first = shown;
    shown += slice.length;
    more.hidden = true;
    let ds;
    try { ds = await engine.docs(slice.map(r => r.id)); } catch (e) { return say('搜索结果加载失败，请稍后再试。'); }
    if (my !== seq) return;
    ds.forEach((d, i) => {
      const li = add(list, 'li', 'search-result'), a = add(add(li, 'h2', 'search-result-title'), 'a');
      const info = add(li, 'p', 'search-result-info'), mt = d.meta.join('　'), mr = highlight(mt, terms, map), sn = snippet(d.text, terms, map);
      a.href = /^[a-z]+:/i.test(d.url) ? d.url : root + d.url;
      marked(a, d.title, highlight(d.title, terms, map));
      add(info, 'span', 'search-result-kind', d.label + ' ');
      add(info, 'time', '', d.date).dateTime = d.date;
      if (!slice[i].full) add(info, 'span', 'search-result-partial', ' 部分匹配');
      if (mr.length) marked(add(li, 'p', 'search-result-meta'), mt, mr);
      if (sn.text) marked(add(li, 'p', 'search-result-snippet'), sn.text, sn.ranges);
    });
    more.hidden = shown >= rs.length;
    if (first) list.querySelectorAll('a')[first].focus();
  }
  more.addEventListener('click', () => page(filtered()));
  // The query and filters come from the URL (?q=&kind=&year=).
  function run() {
    const u = new URLSearchParams(location.search), g = k => (u.get(k) || '').trim(), p = { q: g('q'), kind: g('kind'), year: g('year') };
    const my = ++qseq;
    last = location.search;
    input.value = p.q;
    clear(!p.q);
    seq++;
    engine.meta().catch(() => {}); // before the first keystroke
    if (!p.q) return say('请输入关键词。');
    say('正在搜索……');
    engine.search(p.q, keep(p)).then(res => { if (my === qseq) { st = { p, res }; render(); } },
      () => { if (my === qseq) { say('搜索暂时无法使用，请稍后再试。'); clear(1); } });
  }
  // Without JavaScript the form reloads the page with ?q=; here it searches in place (the URL
  // is pushed, so Back returns to the previous query), and a pause in typing loads the query's
  // files beforehand.
  const form = input.form;
  if (form && new URL(form.action, location.href).pathname === location.pathname) {
    form.addEventListener('submit', e => {
      e.preventDefault();
      clearTimeout(timer);
      history.pushState(null, '', location.pathname + '?' + new URLSearchParams({ q: input.value.trim() }));
      run();
    });
    const pre = e => {
      clearTimeout(timer);
      if (!e.isComposing) timer = setTimeout(() => engine.search(input.value).catch(() => {}), 300);
    };
    input.addEventListener('input', pre);
    input.addEventListener('compositionend', pre);
  }
  addEventListener('popstate', () => { if (location.search !== last) run(); });
  run();
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
})();
