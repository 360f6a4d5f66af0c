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
// Words of a question that say nothing about what is sought, dropped from a query that has
// other words (longest first: 在哪里 before 在哪).
const STOP = ['需要多少钱', '可不可以', '要多少钱', '多少钱', '在哪里', '在哪儿', '到哪里', '去哪里', '怎么办理', '怎么样', '怎么办', '为什么', '是什么', '能不能',
  '怎么', '如何', '怎样', '哪里', '哪儿', '在哪', '去哪', '什么', '办理', '我要', '我想', '想要', '请问', '需要',
  '可以', '是否', '多少', '一下', '哪些', '吗', '呢', '吧', '啊', '的'];
// The query as matched: folded, half-width, lower-case, separators as spaces, question words
// dropped (unless nothing else is left).
function normalise(q, map) {
  const t = runs(fold(q, map)).map(r => r.c < 3 ? word(r) : r.t.join('')).join(' ');
  let out = t;
  for (const w of STOP) out = out.split(w).join(' ');
  out = out.replace(/ +/g, ' ').trim();
  return out ? out : t;
}
// Synonym groups ("a=b|c=d", docs/dev/search.md) → word → its group, longest words first.
function parseSynonyms(str) {
  const by = new Map();
  for (const g of String(str || '').split('|')) {
    const ws = g.split('=').filter(Boolean);
    if (ws.length > 1) for (const w of ws) if (!by.has(w)) by.set(w, ws);
  }
  return { by, words: [...by.keys()].sort((a, b) => b.length - a.length) };
}
const MAXV = 16;
// The query and its variants with each synonym found in it replaced by the other words of its
// group (the original first; at most MAXV). A letter or digit word matches whole words only.
function variants(text, syn) {
  const parts = [];
  let at = 0, from = 0;
  const edge = (a, b) => !a || !b || cls(a.codePointAt(0)) === 3 || cls(a.codePointAt(0)) !== cls(b.codePointAt(0));
  while (syn && syn.words.length && at < text.length) {
    const w = syn.words.find(w => text.startsWith(w, at) && edge(text[at - 1], w[0]) && edge(text[at + w.length], w[w.length - 1]));
    if (!w) { at++; continue; }
    parts.push(text.slice(from, at), syn.by.get(w).slice().sort((a, b) => (b === w) - (a === w)));
    at = from = at + w.length;
  }
  parts.push(text.slice(from));
  let out = [''];
  for (const p of parts) {
    if (typeof p === 'string') { out = out.map(v => v + p); continue; }
    const next = [];
    for (const alt of p) for (const v of out) if (next.length < MAXV) next.push(v + ' ' + alt + ' ');
    out = next;
  }
  return out.map(v => v.replace(/ +/g, ' ').trim());
}
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
// rules: {synonyms: "a=b|c=d"} (the search page's data-synonyms).
// Order of results: full matches first, then (for a number query) every term in the metadata,
// then (for a consultation query) open consultations, then the share of terms matched, the
// score, newer first.
const CONSULT = ['征求', '求意', '意见', '草案', '征集'];
// r.k packs full, exact and open; r.c is the share of terms matched.
const better = (a, b) => b.k - a.k || b.c - a.c || (Math.abs(b.score - a.score) > 1e-9 ? b.score - a.score : a.id - b.id);
// One variant's matches (a plain function, so that the engine optimises its loops on their own).
function rank(v, lists, idf, m, num, isOpen) {
  const N = m.n, tw = m.tw, out = [];
  const T = v.terms.length, score = new Float64Array(N), hit = new Uint8Array(N), mh = new Uint8Array(N), got = new Float64Array(N), touched = new Int32Array(N);
  let nt = 0, wall = 0;
  for (const t of v.terms) {
    const l = lists[t], ids = l.ids, codes = l.codes, w = idf[t];
    if (ids.length) wall += w; // a term no record has weighs nothing
    for (let j = 0; j < ids.length; j++) {
      const d = ids[j], c = codes[j];
      if (!hit[d]++) touched[nt++] = d;
      if (c & 2) mh[d]++;
      got[d] += w;
      score[d] += w * ((c & 1 ? tw[d] : 0) + (c & 2 ? 3 : 0) + BODY[c >> 2]);
    }
  }
  // Phrase bonus: consecutive bigrams of a query run in the same field.
  for (const g of v.groups) {
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
  // A partial match must hold half of the terms and half of the weight of the terms found
  // anywhere: matching only the common ones (人社, 2026, 号) is not enough.
  for (let i = 0; i < nt; i++) {
    const id = touched[i], h = hit[id];
    if (h * 2 < T || got[id] * 2 < wall - 1e-9) continue;
    const full = h === T, k = (full ? 4 : 0) + (num && mh[id] === T ? 2 : 0) + (isOpen ? isOpen[id] : 0);
    out.push({ id, score: score[id], hits: h, c: h / T, k, full, kind: m.kindOf[id], year: m.yearOf[id] });
  }
  return out;
}
function createEngine(load, loadT2S, rules) {
  const files = {}, syn = parseSynonyms(rules && rules.synonyms);
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
    const [m, map] = await Promise.all([meta(), t2s(q)]), N = m.n;
    const vs = variants(normalise(q, map), syn).map(v => {
      const groups = queryTerms(v, map);
      return { groups, terms: [...new Set([].concat(...groups))].slice(0, 40) };
    }).filter(v => v.terms.length);
    const terms = [...new Set([].concat(...vs.map(v => v.terms)))];
    const res = { terms, results: [], meta: m, map };
    if (!terms.length) return res;
    // Each list is decoded as soon as its shard arrives, while the others are still loading.
    const ls = await Promise.all(terms.map(t => get(`shards/${hash(t) % m.shards}.json`, m.build)
      .then(s => decode(Object.prototype.hasOwnProperty.call(s, t) ? s[t] : ''))));
    const lists = {}, idf = {};
    terms.forEach((t, i) => { const df = ls[i].ids.length; lists[t] = ls[i]; idf[t] = Math.log(1 + (N - df + 0.5) / (df + 0.5)); });
    // A number in the query asks for one record (文号, 索引号, 案号): records holding every
    // term in their metadata first, and no partial matches when there is a full one. Words
    // of a consultation (征求意见, 草案…) put the open consultations first.
    const num = terms.some(t => /^[0-9]/.test(t)), ask = terms.some(t => CONSULT.includes(t)), open = m.open || [];
    const isOpen = ask ? new Uint8Array(N) : null;
    if (isOpen) for (const id of open) isOpen[id] = 1;
    // One variant: its matches as they are; several: each record's best variant.
    let all;
    if (vs.length === 1) all = rank(vs[0], lists, idf, m, num, isOpen);
    else {
      const best = new Map();
      for (const v of vs) {
        for (const r of rank(v, lists, idf, m, num, isOpen)) {
          const o = best.get(r.id);
          if (!o || better(r, o) < 0) best.set(r.id, r);
        }
      }
      all = [...best.values()];
    }
    if (num && all.some(r => r.full) && all.some(r => !r.full)) all = all.filter(r => r.full);
    res.results = all.sort(better);
    // The chunks of the first page (with the page's filters) start loading now.
    const top = [];
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

if (typeof module === 'object') module.exports = { queryTerms, normalise, variants, parseSynonyms, parseT2S, hash, decode, createEngine, highlight, snippet };
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
    () => fetch(`${root}static/t2s.json`).then(r => { if (!r.ok) throw Error(r.status); return r.json(); }),
    { synonyms: box.getAttribute('data-synonyms') });
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
  // The form's plain target is the receiver's search without scripts; this page searches.
  if (form && form.hasAttribute('data-static-action')) form.setAttribute('action', form.getAttribute('data-static-action'));
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
