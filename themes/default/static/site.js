/* gongshi: font size and contrast controls (remembered), live consultation deadline.
   Progressive enhancement: every page works without this script. */
(function () {
  'use strict';
  var root = document.documentElement;
  function store(k, v) { try { if (v === null) { localStorage.removeItem(k); } else { localStorage.setItem(k, v); } } catch (e) { /* private mode */ } }
  function load(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  root.classList.add('js');
  /* One person, one opinion: each page view gets a random form token. The receiver treats a
     post as a resubmission (same receipt, nothing stored) only when the token and every field
     are identical — a double click or a retry; two people are never merged. Without this
     script the field stays empty and nothing is merged. */
  var tokens = document.querySelectorAll('input[data-form-token]');
  for (var t = 0; t < tokens.length; t++) {
    if (!tokens[t].value) { tokens[t].value = formToken(); }
  }
  function formToken() {
    var bytes = [], i, c = window.crypto || window.msCrypto;
    if (c && c.getRandomValues) {
      var a = new Uint8Array(16);
      c.getRandomValues(a);
      for (i = 0; i < a.length; i++) { bytes.push(a[i]); }
    } else {
      for (i = 0; i < 16; i++) { bytes.push(Math.floor(Math.random() * 256)); }
    }
    var hex = '';
    for (i = 0; i < bytes.length; i++) { hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16); }
    return hex;
  }
  /* Search forms: their plain target is the receiver's search without scripts
     (docs/dev/search.md); a browser that can run search.js (fetch, ES2017: engines with
     module scripts) searches on the static search page instead. */
  if (window.fetch && 'noModule' in document.createElement('script')) {
    var sforms = document.querySelectorAll('form[data-static-action]');
    for (var sf = 0; sf < sforms.length; sf++) { sforms[sf].setAttribute('action', sforms[sf].getAttribute('data-static-action')); }
  }
  var params = window.URLSearchParams ? new URLSearchParams(window.location.search) : null;
  function applyFs(v) {
    root.classList.remove('fs-s', 'fs-l');
    if (v === 's' || v === 'l') { root.classList.add('fs-' + v); }
    var buttons = document.querySelectorAll('[data-fs]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute('aria-pressed', String(buttons[i].getAttribute('data-fs') === (v === 's' || v === 'l' ? v : 'm')));
    }
  }
  function applyHc(on) {
    root.classList.toggle('hc', on);
    var b = document.querySelector('[data-hc]');
    if (b) { b.setAttribute('aria-pressed', String(on)); }
  }
  /* 长者模式: a real step up (html.elder: 1.35× the default size), remembered. */
  function applyElder(on) {
    root.classList.toggle('elder', on);
    var b = document.querySelector('[data-elder]');
    if (b) { b.setAttribute('aria-pressed', String(on)); }
  }
  applyFs(load('gongshi-fs'));
  applyHc(load('gongshi-hc') === '1');
  applyElder(load('gongshi-elder') === '1');
  document.addEventListener('click', function (ev) {
    var t = ev.target.closest ? ev.target.closest('[data-fs],[data-hc],[data-elder],[data-print]') : null;
    if (!t) { return; }
    ev.preventDefault();
    if (t.hasAttribute('data-fs')) { var v = t.getAttribute('data-fs'); store('gongshi-fs', v === 'm' ? null : v); applyFs(v); }
    else if (t.hasAttribute('data-elder')) { var el = !root.classList.contains('elder'); store('gongshi-elder', el ? '1' : null); applyElder(el); }
    else if (t.hasAttribute('data-hc')) { var on = !root.classList.contains('hc'); store('gongshi-hc', on ? '1' : null); applyHc(on); }
    else { window.print(); }
  });
  /* On paper: the page's own address, the print date and the page number at the foot of every
     printed page, as @page margin boxes (Chromium 131 and later; where they are not supported
     the rule is refused and the .print-meta line in base.html prints once, at the end). A
     stylesheet cannot know the page's address, so the rule is added here, to the media-print
     part of the first stylesheet that accepts it; the date is refreshed when printing starts.
     Without this script the browser's own headers and footers (address, date, page numbers)
     stay in place. */
  var printMeta = document.querySelector('.print-meta[data-canonical]');
  var printDate = document.querySelector('.print-date');
  var marginSheet = null, marginIndex = -1;
  function dayText() {
    var d = new Date();
    return d.getFullYear() + '年' + (d.getMonth() + 1) + '月' + d.getDate() + '日';
  }
  function cssString(s) { return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]/g, ' ') + '"'; }
  function printMargins() {
    if (!printMeta) { return; }
    var rule = '@media print{@page{' +
      '@bottom-left{content:' + cssString('本页网址：' + printMeta.getAttribute('data-canonical') + '　打印日期：' + dayText()) + ';font-size:9pt;color:#000}' +
      '@bottom-right{content:"第 " counter(page) " 页，共 " counter(pages) " 页";font-size:9pt;color:#000}}}';
    if (marginSheet) {
      try { marginSheet.deleteRule(marginIndex); marginSheet.insertRule(rule, marginIndex); } catch (e) { /* keep the first */ }
      return;
    }
    var sheets = document.styleSheets;
    for (var si = 0; si < sheets.length; si++) {
      try {
        var at = sheets[si].cssRules.length;
        sheets[si].insertRule(rule, at);
        marginSheet = sheets[si]; marginIndex = at;
        root.classList.add('print-margins');
        return;
      } catch (e) { /* another origin's sheet, or an engine without margin boxes */ }
    }
  }
  printMargins();
  if (window.addEventListener) {
    window.addEventListener('beforeprint', function () {
      printMargins();
      if (printDate) { printDate.textContent = '　打印日期：' + dayText(); }
    });
  }
  /* The footer's 我要纠错 (the same on every page) carries this page's address; without JS
     the visitor types it on the form. */
  var corr = document.querySelectorAll('a[data-correction]');
  for (var ci = 0; ci < corr.length; ci++) {
    if (corr[ci].href.indexOf('?') < 0 && !document.getElementById('page')) {
      corr[ci].href += '?page=' + encodeURIComponent(location.pathname);
    }
  }
  /* 我要纠错: prefill the page address from ?page=… and the text from ?description=… (a
     receipt check links here with the receipt number; without JS the visitor types it). */
  var pre = document.querySelectorAll('[data-prefill]');
  for (var k = 0; k < pre.length && params; k++) {
    var name = pre[k].getAttribute('data-prefill');
    var v = params.get(name);
    if (v && !pre[k].value) { pre[k].value = name === 'page' && v.indexOf('/') === 0 ? location.origin + v : v; }
  }
  /* A page built yesterday must not invite a late comment: once the close instant passes
     by the visitor's clock, the form is replaced by a notice. */
  var form = document.getElementById('comment-form');
  if (form && form.getAttribute('data-closes')) {
    var closes = Date.parse(form.getAttribute('data-closes'));
    var check = function () {
      if (!isNaN(closes) && Date.now() >= closes) {
        var p = document.createElement('p');
        p.className = 'notice';
        p.setAttribute('role', 'status');
        p.textContent = '已截止：本次意见征集已结束，不再接收网上意见。';
        form.replaceWith(p);
        var w = document.querySelector('.status-word');
        if (w) { w.textContent = '已截止'; }
        var d = document.querySelector('.days-left');
        if (d) { d.remove(); }
        return true;
      }
      return false;
    };
    if (!check()) { var timer = setInterval(function () { if (check()) { clearInterval(timer); } }, 30000); }
  }
})();
