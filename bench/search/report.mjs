#!/usr/bin/env node
// Markdown tables from bench.mjs's raw JSON and search.sh's sizes JSON (stdout).
//
//   node bench/search/report.mjs RAW.json SIZES.json
import fs from 'node:fs';

const [raw, sizes] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
const med = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b), n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};
const ms = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const kb = (b) => (b / 1024).toFixed(b >= 10240 ? 0 : 1);
const mb = (b) => (b / 1048576).toFixed(1);
const pct = (a, b) => `${((100 * a) / b).toFixed(1)} %`;
const short = (u) => (u || '').replace(/^\//, '').replace(/\/$/, '');
const out = [];
const p = (s = '') => out.push(s);

p(`### Index size (${sizes.records.toLocaleString('en')} records, ${sizes.pages.toLocaleString('en')} HTML pages, HTML ${mb(sizes.html)} MB)`);
p();
p('| | files | bytes on disk | gzip -5 (as served) | % of site HTML (disk) |');
p('|---|---:|---:|---:|---:|');
p(`| gongshi \`search/\` (meta, shards, chunks) | ${sizes.gongshi.files} | ${mb(sizes.gongshi.bytes)} MB | ${mb(sizes.gongshi.gzip)} MB | ${pct(sizes.gongshi.bytes, sizes.html)} |`);
p(`| Pagefind \`pagefind/\` (all) | ${sizes.pagefind.files} | ${mb(sizes.pagefind.bytes)} MB | ${mb(sizes.pagefind.gzip)} MB | ${pct(sizes.pagefind.bytes, sizes.html)} |`);
p(`| of which index (\`.pf_index\` \`.pf_meta\`) | ${sizes.pagefind.indexFiles} | ${mb(sizes.pagefind.indexBytes)} MB | (pre-gzipped) | ${pct(sizes.pagefind.indexBytes, sizes.html)} |`);
p(`| of which fragments (\`.pf_fragment\`) | ${sizes.pagefind.fragmentFiles} | ${mb(sizes.pagefind.fragmentBytes)} MB | (pre-gzipped) | ${pct(sizes.pagefind.fragmentBytes, sizes.html)} |`);
p();
p(`Index build: gongshi's whole site build ${sizes.gongshiBuildS.toFixed(1)} s (index included); ` +
  `Pagefind ${sizes.pagefindS.toFixed(1)} s wall on the built site (${sizes.pagefindPages} pages indexed; ${sizes.pagefindLang}).`);
p();

const Q = raw.queries;
const ok = (top, expect) => (expect ? (short(top[0]) === short(expect) ? 'yes' : 'no') : '–');
p(`### Query times (ms, median of ${raw.runs} runs; Chromium ${raw.chromium})`);
p();
p('"first" = the first query after the page loaded, in a fresh browser context: for gongshi meta.json + shards + chunks, ' +
  'for Pagefind import(pagefind.js) + init() + index chunks + fragments. "query" = the query part of it alone (after meta.json / ' +
  'after init()). "warm" = the same query again on the same page. Each engine ends with the data of the first 10 results loaded.');
p();
p('| query | kind | results gongshi / Pagefind | intended first g / pf | gongshi first | gongshi query | gongshi warm | Pagefind first | Pagefind query | Pagefind warm | first g / pf | gongshi page url, cold / warm | gongshi page typed / paused | bytes of first query g / pf (KB) |');
p('|---|---|---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const all = { gf: [], gc: [], gw: [], pf: [], pc: [], pw: [], gp: [], gpw: [], gt: [], gtp: [], gb: [], pb: [], ginit: [], pinit: [], gp1: [] };
const first = (rs) => med(rs.map((r) => r.init.ms + r.cold.ms));
const firstBytes = (rs) => med(rs.map((r) => r.init.net.bytes + r.cold.net.bytes));
for (const item of Q) {
  const v = {
    gf: first(item.gongshi), gc: med(item.gongshi.map((r) => r.cold.ms)), gw: med(item.gongshi.map((r) => r.warm.ms)),
    pf: first(item.pagefind), pc: med(item.pagefind.map((r) => r.cold.ms)), pw: med(item.pagefind.map((r) => r.warm.ms)),
    gp: med(item.gongshiPage.map((r) => r.cold.ms)), gpw: med(item.gongshiPage.map((r) => r.warm.ms)),
    gt: med(item.gongshiPage.map((r) => r.typed.ms)), gtp: med(item.gongshiPage.map((r) => r.paused.ms)),
    gp1: med(item.gongshiPage.map((r) => r.cold.firstMs)),
    gb: firstBytes(item.gongshi), pb: firstBytes(item.pagefind),
  };
  for (const k of Object.keys(v)) all[k].push(v[k]);
  all.ginit.push(...item.gongshi.map((r) => r.init.ms));
  all.pinit.push(...item.pagefind.map((r) => r.init.ms));
  const g0 = item.gongshi[0].cold, p0 = item.pagefind[0].cold;
  p(`| ${item.q} | ${item.note} | ${g0.results} (${g0.full} all terms) / ${p0.results} | ${ok(g0.top, item.expect)} / ${ok(p0.top, item.expect)} ` +
    `| ${ms(v.gf)} | ${ms(v.gc)} | ${ms(v.gw)} | ${ms(v.pf)} | ${ms(v.pc)} | ${ms(v.pw)} | ${(v.gf / v.pf).toFixed(2)} | ${ms(v.gp)} / ${ms(v.gpw)} | ${ms(v.gt)} / ${ms(v.gtp)} | ${kb(v.gb)} / ${kb(v.pb)} |`);
}
const row = (label, f) => p(`| **${label}** | | | | ${ms(f(all.gf))} | ${ms(f(all.gc))} | ${ms(f(all.gw))} | ${ms(f(all.pf))} | ${ms(f(all.pc))} | ${ms(f(all.pw))} ` +
  `| ${(f(all.gf) / f(all.pf)).toFixed(2)} | ${ms(f(all.gp))} / ${ms(f(all.gpw))} | ${ms(f(all.gt))} / ${ms(f(all.gtp))} | ${kb(f(all.gb))} / ${kb(f(all.pb))} |`);
row('median of the queries', med);
row('slowest query', (xs) => Math.max(...xs));
p();
const pl = Q[0].gongshi.map((r) => r.pageLoad.bytes);
const gi = Q[0].gongshi.map((r) => r.init.net.bytes), pi = Q[0].pagefind.map((r) => r.init.net.bytes);
p(`Init alone (median over all runs): gongshi meta.json ${ms(med(all.ginit))} ms, ${kb(med(gi))} KB; ` +
  `Pagefind import + init() ${ms(med(all.pinit))} ms, ${kb(med(pi))} KB. ` +
  `gongshi's /search/ page itself (HTML, CSS, JS incl. search.js, and meta.json when the page preloads it, which makes ` +
  `the engine's own meta.json request a 304) before that: ${kb(med(pl))} KB. ` +
  '"gongshi page" (until the whole first page of results is in the DOM, or the no-result message): "url" = opening /search/?q=… ' +
  '(as the search box of any page does) after /search/ was loaded once, from the navigation start; warm = the same again (HTTP cache). ' +
  '"typed" = typing the query into a loaded /search/ and pressing Enter at once, from the keydown; "paused" = Enter 1 s after typing. ' +
  `The first result of "url, cold" appears after ${ms(med(all.gp1))} ms (median of the queries).`);
p();
const gq = Q.flatMap((i) => i.gongshi.map((r) => r.cold)), pq = Q.flatMap((i) => i.pagefind.map((r) => r.cold));
p(`Where gongshi's cold query time goes (median over all queries and runs): shard files fetched and parsed ${ms(med(gq.map((r) => r.shardsMs)))} ms, ` +
  `ranking ${ms(med(gq.map((r) => r.rankMs)))} ms, result chunks fetched and parsed ${ms(med(gq.map((r) => r.docsMs)))} ms ` +
  `(${med(gq.map((r) => r.files))} files in all, in two rounds of parallel requests). ` +
  `Pagefind: search() ${ms(med(pq.map((r) => r.searchMs)))} ms, data() of 10 results ${ms(med(pq.map((r) => r.docsMs)))} ms.`);
p();
if (raw.baseline) {
  // The same site with the older search.js and search page (search.sh --baseline REV), measured
  // interleaved with the current one.
  p(`### Before / after: baseline (${raw.baselineRev || 'older search.js'}) → current, same run`);
  p();
  p('| query | query | first | page url, cold | page url, warm | page typed | page paused |');
  p('|---|---:|---:|---:|---:|---:|---:|');
  const cols = [
    [(i) => i.gongshi, (i) => i.baseline, (r) => r.cold.ms],
    [(i) => i.gongshi, (i) => i.baseline, (r) => r.init.ms + r.cold.ms],
    [(i) => i.gongshiPage, (i) => i.baselinePage, (r) => r.cold.ms],
    [(i) => i.gongshiPage, (i) => i.baselinePage, (r) => r.warm.ms],
    [(i) => i.gongshiPage, (i) => i.baselinePage, (r) => r.typed.ms],
    [(i) => i.gongshiPage, (i) => i.baselinePage, (r) => r.paused.ms],
  ];
  const per = Q.map((i) => cols.map(([now, old, f]) => [med(old(i).map(f)), med(now(i).map(f))]));
  Q.forEach((i, k) => p(`| ${i.q} | ${per[k].map(([a, b]) => `${ms(a)} → ${ms(b)}`).join(' | ')} |`));
  p(`| **median of the queries** | ${cols.map((_, c) => `${ms(med(per.map((x) => x[c][0])))} → ${ms(med(per.map((x) => x[c][1])))}`).join(' | ')} |`);
  const same = Q.filter((i) => JSON.stringify(i.baseline[0].cold.top) === JSON.stringify(i.gongshi[0].cold.top)).length;
  p();
  p(`Top 3 results identical for ${same} of ${Q.length} queries.`);
  p();
}
p('### Top 3 results');
p();
p('| query | intended | gongshi | Pagefind |');
p('|---|---|---|---|');
for (const item of Q) {
  const g = item.gongshi[0].cold.top.map(short).join(', '), f = item.pagefind[0].cold.top.map(short).join(', ');
  p(`| ${item.q} | ${short(item.expect) || '–'} | ${g || '(none)'} | ${f || '(none)'} |`);
}
console.log(out.join('\n'));
