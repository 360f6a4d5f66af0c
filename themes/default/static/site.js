/* gongshi: font size and contrast controls (remembered), live consultation deadline.
   Progressive enhancement: every page works without this script. */
(function () {
  'use strict';
  var root = document.documentElement;
  function store(k, v) { try { if (v === null) { localStorage.removeItem(k); } else { localStorage.setItem(k, v); } } catch (e) { /* private mode */ } }
  function load(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  function applyFs(v) {
    root.classList.remove('fs-s', 'fs-l');
    if (v === 's' || v === 'l') { root.classList.add('fs-' + v); }
    var links = document.querySelectorAll('[data-fs]');
    for (var i = 0; i < links.length; i++) {
      links[i].setAttribute('aria-pressed', String(links[i].getAttribute('data-fs') === (v || 'm')));
    }
  }
  function applyHc(on) {
    root.classList.toggle('hc', on);
    var l = document.querySelector('[data-hc]');
    if (l) { l.setAttribute('aria-pressed', String(on)); }
  }
  var params = new URLSearchParams(location.search);
  if (params.has('fs')) { store('gongshi-fs', params.get('fs')); }
  if (params.has('hc')) { store('gongshi-hc', params.get('hc') === '1' ? '1' : null); }
  applyFs(load('gongshi-fs'));
  applyHc(load('gongshi-hc') === '1');
  document.addEventListener('click', function (ev) {
    var t = ev.target.closest ? ev.target.closest('[data-fs],[data-hc],[data-print]') : null;
    if (!t) { return; }
    ev.preventDefault();
    if (t.hasAttribute('data-fs')) { var v = t.getAttribute('data-fs'); store('gongshi-fs', v); applyFs(v); }
    else if (t.hasAttribute('data-hc')) { var on = !root.classList.contains('hc'); store('gongshi-hc', on ? '1' : null); applyHc(on); }
    else { window.print(); }
  });
  /* 我要纠错: prefill the page address from ?page=… (without JS the visitor types it). */
  var pre = document.querySelectorAll('[data-prefill]');
  for (var k = 0; k < pre.length; k++) {
    var v = params.get(pre[k].getAttribute('data-prefill'));
    if (v && !pre[k].value) { pre[k].value = v.indexOf('/') === 0 ? location.origin + v : v; }
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
