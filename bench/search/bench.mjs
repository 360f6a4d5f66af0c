#!/usr/bin/env node
// Query timings of gongshi's search and Pagefind in headless Chromium. Started by
// bench/search.sh, which builds the sites; see that script for the whole benchmark.
//
//   node bench/search/bench.mjs --site OUT --pagefind COPY --queries Q.json --runs N --json OUT.json
//                               [--baseline BASE]
//
//   --site      gongshi's built site (search/ index and the /search/ page)
//   --pagefind  a copy of the same site with Pagefind's pagefind/ folder in it
//   --baseline  optional: the same site with an older search.js and search page (search.sh
//               --baseline REV); its gongshi measurements are taken interleaved with the others
//   --baseline-label  what the baseline is (for the report)
//   --queries   JSON array of {q, note, expect}; expect is the URL path ("/enforcement/x/") the
//               query is meant to find first, or null
//
// Per query and run, each engine in a fresh browser context (empty HTTP cache), after its page
// loaded, ending with the data of the first 10 results loaded (what is shown):
//   gongshi: the real search.js on /search/ (an init script defines `module`, so the script also
//     exports createEngine, as it does under node), with the page's loader: engine.meta()
//     (init: meta.json), then engine.search(q) and engine.docs(first 10 ids), as the page does
//     before rendering. cold = the first query; warm = the same query again (engine's cache).
//   gongshi page, taken in the page by a MutationObserver: "first" = the first result (or the
//     no-result message) in the DOM, "full" = the whole first page of results (10, or all).
//     url: /search/ loaded once (its CSS and scripts cached), then /search/?q=… opened, as the
//       header's search box on any page does; from the navigation's start. cold = fresh
//       context; warm = the same again in that context (HTTP cache).
//     typed: type q into #search-q on a loaded /search/ (network idle) and press Enter at once;
//       from the Enter keydown (across the reload, if the form reloads the page).
//     paused: the same, Enter pressed 1 s after the typing (a visitor's pause).
//   pagefind: await import('/pagefind/pagefind.js') and init() (init), then search(q) and data()
//     of the first 10 results (what Pagefind's UI loads for a page of results).
// Bytes = sum over finished requests of response headers + body as sent (gzip where the
// server compressed), from Playwright's request.sizes() (requests of Pagefind's worker included).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tests/browser/package.json'));
const { chromium } = require('playwright-core');

const opt = { runs: 5 };
for (let a = process.argv.slice(2), i = 0; i < a.length; i++) {
  const k = a[i].replace(/^--/, '');
  if (!['site', 'pagefind', 'queries', 'runs', 'json', 'baseline', 'baseline-label'].includes(k)) {
    console.error(`bench.mjs: unknown argument ${a[i]}`);
    process.exit(2);
  }
  opt[k] = a[++i];
}
opt.runs = Number(opt.runs);
const queries = JSON.parse(fs.readFileSync(opt.queries, 'utf8'));
const log = (s) => process.stderr.write(`[search-bench] ${s}\n`);

// Each site is served by a process of its own (bench/search/server.mjs).
function serve(dir) {
  const child = spawn(process.execPath, [path.join(here, 'server.mjs'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    process.on('exit', () => child.kill());
    child.stdout.once('data', (d) => resolve({ origin: String(d).trim(), close: () => child.kill() }));
  });
}
const gs = await serve(opt.site);
const pf = await serve(opt.pagefind);
const base = opt.baseline ? await serve(opt.baseline) : null;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
log(`chromium ${browser.version()}; gongshi on ${gs.origin}, pagefind on ${pf.origin}`);

// A fresh context with a byte counter: take() returns {bytes, requests} since the last take().
async function context() {
  const ctx = await browser.newContext();
  // Sizes are asked for after each measurement, so that no driver traffic runs during it.
  let finished = [];
  ctx.on('requestfinished', (req) => finished.push(req));
  const take = async () => {
    const out = { bytes: 0, requests: 0, notModified: 0 };
    for (const req of finished) {
      const s = await req.sizes().catch(() => null);
      const r = await req.response().catch(() => null);
      if (s) out.bytes += Math.max(0, s.responseHeadersSize) + Math.max(0, s.responseBodySize);
      out.requests++;
      if (r && r.status() === 304) out.notModified++;
    }
    finished = [];
    return out;
  };
  return { ctx, take };
}

// gongshi: the real engine of search.js, driven the way the page drives it.
async function gongshiEngine(gs, q) {
  const { ctx, take } = await context();
  await ctx.addInitScript(() => { window.module = { exports: {} }; });
  const page = await ctx.newPage();
  await page.goto(gs.origin + '/search/', { waitUntil: 'load' });
  const pageLoad = await take();
  // The loader of search.js's init(); then meta.json alone (the index's "init").
  const initMs = await page.evaluate(async () => {
    const root = (document.getElementById('search').getAttribute('data-root') || '').replace(/\/?$/, '/');
    // Timed: request start, response headers, JSON parsed, per file.
    window.__fetches = [];
    const load = (path, build) => {
      const f = { path, start: performance.now() };
      window.__fetches.push(f);
      return fetch(`${root}search/${path}${build ? '?v=' + build : ''}`, { cache: build ? 'force-cache' : 'no-cache' })
        .then((r) => { if (!r.ok) throw Error(r.status); f.headers = performance.now(); return r.json(); })
        .then((j) => { f.parsed = performance.now(); return j; });
    };
    window.__root = root;
    window.__eng = module.exports.createEngine(load);
    const t0 = performance.now();
    await window.__eng.meta();
    return performance.now() - t0;
  });
  const initNet = await take();
  const run = (q) => page.evaluate(async (q) => {
    const eng = window.__eng, root = window.__root;
    const t0 = performance.now();
    const res = await eng.search(q);
    const t1 = performance.now();
    const ds = await eng.docs(res.results.slice(0, 10).map((r) => r.id));
    const t2 = performance.now();
    // Where the time went: shard files fetched and parsed (the ranking follows), chunk files.
    const fs = window.__fetches.filter((f) => f.start >= t0), sh = fs.filter((f) => f.path.startsWith('shards/'));
    const shardsMs = sh.length ? Math.max(...sh.map((f) => f.parsed)) - t0 : 0;
    return {
      ms: t2 - t0, searchMs: t1 - t0, docsMs: t2 - t1, shardsMs, rankMs: t1 - t0 - shardsMs,
      files: fs.length,
      results: res.results.length, full: res.results.filter((r) => r.full).length,
      top: ds.slice(0, 3).map((d) => (/^[a-z]+:/i.test(d.url) ? d.url : root + d.url)),
    };
  }, q);
  const cold = await run(q);
  cold.net = await take();
  const warm = await run(q);
  warm.net = await take();
  await ctx.close();
  return { init: { ms: initMs, net: initNet }, cold, warm, pageLoad };
}

// gongshi: the visitor's way, on the real page. Times are taken in the page (MutationObserver);
// across a reload they are carried in sessionStorage as absolute times (timeOrigin + now).
async function gongshiPage(gs, q) {
  const watch = () => {
    const now = () => performance.timeOrigin + performance.now();
    document.addEventListener('keydown', (e) => { if (e.key === 'Enter') sessionStorage.enter = now(); }, true);
    new MutationObserver((_, obs) => {
      const st = document.getElementById('search-status'), list = document.getElementById('search-results');
      if (!st || !/^(找到|没有找到|搜索)/.test(st.textContent)) return;
      const n = /^找到 (\d+) 条/.exec(st.textContent), items = list.children.length;
      if (window.__first === undefined && (!n || items)) window.__first = now();
      if (!n || items >= Math.min(10, +n[1])) { window.__full = now(); obs.disconnect(); }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  };
  const done = (page) => page.waitForFunction(() => window.__full !== undefined, null, { timeout: 30000 });
  const result = (page, from) => page.evaluate((from) => {
    const t0 = from === 'nav' ? performance.timeOrigin : +sessionStorage.enter;
    return {
      firstMs: window.__first - t0, ms: window.__full - t0,
      status: document.getElementById('search-status').textContent,
      top: [...document.querySelectorAll('#search-results .search-result-title a')].slice(0, 3).map((a) => a.getAttribute('href')),
    };
  }, from);
  const out = {};
  // url: /search/?q=… opened twice in one context (cold, then warm).
  {
    const { ctx, take } = await context();
    await ctx.addInitScript(watch);
    const page = await ctx.newPage();
    await page.goto(gs.origin + '/search/', { waitUntil: 'load' });
    await take();
    for (const k of ['cold', 'warm']) {
      await page.goto(gs.origin + '/search/?q=' + encodeURIComponent(q), { waitUntil: 'commit' });
      await done(page);
      out[k] = await result(page, 'nav');
      out[k].net = await take();
    }
    await ctx.close();
  }
  // typed and paused: a fresh context each, Enter at once or 1 s after the typing.
  for (const k of ['typed', 'paused']) {
    const { ctx, take } = await context();
    await ctx.addInitScript(watch);
    const page = await ctx.newPage();
    await page.goto(gs.origin + '/search/', { waitUntil: 'networkidle' });
    await take();
    await page.fill('#search-q', q);
    if (k === 'paused') await page.waitForTimeout(1000);
    await page.press('#search-q', 'Enter');
    await page.waitForURL(/\?q=/, { waitUntil: 'commit' });
    await done(page);
    out[k] = await result(page, 'enter');
    out[k].net = await take();
    await ctx.close();
  }
  return out;
}

// Pagefind: its JS API, as its UI uses it.
async function pagefind(q) {
  const { ctx, take } = await context();
  const page = await ctx.newPage();
  await page.goto(pf.origin + '/search/', { waitUntil: 'load' });
  await take();
  // import + init(): pagefind.js, its worker, the wasm, pagefind-entry.json, the .pf_meta.
  const initMs = await page.evaluate(async () => {
    const t0 = performance.now();
    window.__pf = await import('/pagefind/pagefind.js');
    await window.__pf.init();
    return performance.now() - t0;
  });
  const initNet = await take();
  const run = (q) => page.evaluate(async (q) => {
    const t0 = performance.now();
    const s = await window.__pf.search(q);
    const t1 = performance.now();
    const data = await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
    const t2 = performance.now();
    return {
      ms: t2 - t0, searchMs: t1 - t0, docsMs: t2 - t1,
      results: s.results.length, top: data.slice(0, 3).map((d) => d.url),
    };
  }, q);
  const cold = await run(q);
  cold.net = await take();
  const warm = await run(q);
  warm.net = await take();
  await ctx.close();
  return { init: { ms: initMs, net: initNet }, cold, warm };
}

const raw = { chromium: browser.version(), runs: opt.runs, queries: [] };
for (const item of queries) raw.queries.push({ ...item, gongshi: [], gongshiPage: [], pagefind: [], baseline: [], baselinePage: [] });
raw.baseline = !!base;
raw.baselineRev = opt['baseline-label'];
// Warm-up pass over every query, not recorded: browser start-up work, the OS page cache, the
// server's gzip cache (each file is compressed once, on its first request).
log('warm-up pass');
for (const item of queries) {
  await gongshiEngine(gs, item.q); await pagefind(item.q); await gongshiPage(gs, item.q);
  if (base) { await gongshiEngine(base, item.q); await gongshiPage(base, item.q); }
}
for (let r = 0; r < opt.runs; r++) {
  log(`run ${r + 1}/${opt.runs}`);
  for (const item of raw.queries) {
    // Interleaved, so that all see the same background load; the order alternates by run, so
    // that each gongshi variant follows Pagefind's measurement (whose clean-up still runs) as
    // often as the other.
    const g = async () => {
      item.gongshi.push(await gongshiEngine(gs, item.q));
      item.gongshiPage.push(await gongshiPage(gs, item.q));
    };
    const b = async () => {
      if (!base) return;
      item.baseline.push(await gongshiEngine(base, item.q));
      item.baselinePage.push(await gongshiPage(base, item.q));
    };
    await (r % 2 ? b() : g());
    item.pagefind.push(await pagefind(item.q));
    await (r % 2 ? g() : b());
  }
}
await browser.close();
await gs.close();
await pf.close();
if (base) await base.close();
fs.writeFileSync(opt.json, JSON.stringify(raw, null, 1));
log(`raw results: ${opt.json}`);
