#!/usr/bin/env node
// Screenshots for looking at the design while working on the theme.
//
// Usage:
//   node tests/browser/shoot.mjs --site DIR [--out DIR] [--width 1280|390] [--height PX]
//                                [--hc] [--fs l|s] [--print] [--now ISO] URLPATH...
//
// Serves DIR on loopback and saves, per URL path, PNG slices of at most --height pixels
// (default 1400) named <slug>-<width>-<n>.png in --out (default ./shots, git-ignored), so
// tall pages can be viewed piece by piece. --hc / --fs switch the 适老化 modes first;
// --print emulates print media.
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './lib/server.mjs';

const o = { site: null, out: 'shots', width: 1280, height: 1400, hc: false, fs: null, print: false, now: null, urls: [] };
const a = process.argv.slice(2);
for (let i = 0; i < a.length; i++) {
  const v = () => a[++i];
  switch (a[i]) {
    case '--site': o.site = v(); break;
    case '--out': o.out = v(); break;
    case '--width': o.width = Number(v()); break;
    case '--height': o.height = Number(v()); break;
    case '--hc': o.hc = true; break;
    case '--fs': o.fs = v(); break;
    case '--print': o.print = true; break;
    case '--now': o.now = v(); break;
    default: o.urls.push(a[i]);
  }
}
if (!o.site || !o.urls.length) {
  console.error('usage: node tests/browser/shoot.mjs --site DIR [options] URLPATH...');
  process.exit(2);
}
const { chromium } = await import('playwright-core');
fs.mkdirSync(o.out, { recursive: true });
const server = await serve(path.resolve(o.site));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const ctx = await browser.newContext({ viewport: { width: o.width, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  if (o.now) await ctx.clock.setFixedTime(new Date(o.now));
  await ctx.addInitScript(([hc, f]) => {
    try {
      if (hc) localStorage.setItem('gongshi-hc', '1');
      if (f) localStorage.setItem('gongshi-fs', f);
    } catch { /* ignore */ }
  }, [o.hc, o.fs]);
  const page = await ctx.newPage();
  if (o.print) await page.emulateMedia({ media: 'print' });
  for (const u of o.urls) {
    await page.goto(server.origin + u);
    const total = await page.evaluate(() => document.documentElement.scrollHeight);
    const slug = (u.replace(/\/$/, '/index').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'index').slice(-50);
    for (let y = 0, n = 1; y < total; y += o.height, n++) {
      const file = path.join(o.out, `${slug}-${o.width}${o.hc ? '-hc' : ''}${o.fs ? '-fs' + o.fs : ''}${o.print ? '-print' : ''}-${n}.png`);
      await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y, width: o.width, height: Math.min(o.height, total - y) } });
      console.log(file);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
