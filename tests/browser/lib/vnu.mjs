// The Nu HTML Checker (vnu.jar from the vnu-jar npm package) over a built site, with the
// system Java. One JVM for all HTML files (folder mode), one more for the CSS files, which are
// passed file by file because vnu's folder mode for CSS reports line numbers off by one.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { listFiles } from './links.mjs';

const require = createRequire(import.meta.url);

function run(args) {
  return new Promise((resolve, reject) => {
    execFile('java', ['-Xss4m', '-jar', require.resolve('vnu-jar/build/dist/vnu.jar'), '--format', 'json', '--exit-zero-always', ...args],
      { maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
        if (err) return reject(new Error(`vnu failed: ${err.message}\n${stderr.slice(0, 2000)}`));
        try {
          resolve(stderr.trim() ? JSON.parse(stderr).messages ?? [] : []);
        } catch (e) {
          reject(new Error(`vnu output unreadable: ${stderr.slice(0, 2000)}`));
        }
      });
  });
}

function summarize(root, messages) {
  const errors = [];
  const warnings = [];
  for (const m of messages) {
    const file = m.url?.startsWith('file:') ? path.relative(root, decodeURIComponent(new URL(m.url).pathname)) : m.url;
    const line = `${file}:${m.lastLine ?? m.firstLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'}: ${(m.message ?? '').trim()}`;
    if (m.type === 'error' || m.type === 'non-document-error') errors.push(line);
    else if (m.type === 'info' && m.subType === 'warning') warnings.push(line);
  }
  return { errors, warnings };
}

export async function checkHtml(root) {
  root = path.resolve(root);
  const files = listFiles(root, (n) => /\.html?$/i.test(n));
  const messages = await run(['--skip-non-html', root]);
  return { files: files.length, ...summarize(root, messages) };
}

export async function checkCss(root) {
  root = path.resolve(root);
  const files = listFiles(root, (n) => n.endsWith('.css'));
  if (!files.length) return { files: 0, errors: [], warnings: [] };
  const messages = await run(['--css', ...files]);
  return { files: files.length, ...summarize(root, messages) };
}
