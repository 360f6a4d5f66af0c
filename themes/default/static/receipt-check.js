/* 回执核对 (check my receipt) — gongshi feedback ledger.
 * Markup (see docs/feedback.md):
 *   <form id="receipt-check" data-ledger="opinions.json"> with
 *   #receipt-check-input (回执编号), optional #receipt-check-hash (校验码),
 *   and #receipt-check-result (role="status") for the answer.
 * The JSON is {"consultation", "count", "head", "receipts": {receipt: hash}}. With
 * data-correction (the 我要纠错 page) a receipt that is missing or whose hash differs gets a
 * link to that page prefilled with the page address and the receipt number.
 * ES5 only, no external resources; without JavaScript the report page still lists every
 * receipt and hash. */
(function () {
  "use strict";
  var form = document.getElementById("receipt-check");
  if (!form) { return; }
  var input = document.getElementById("receipt-check-input");
  var hashInput = document.getElementById("receipt-check-hash");
  var out = document.getElementById("receipt-check-result");
  var url = form.getAttribute("data-ledger") || "opinions.json";
  var correction = form.getAttribute("data-correction");
  var page = form.getAttribute("data-page") || window.location.pathname;
  var ledger = null;

  function say(text, ok) {
    out.textContent = text;
    out.className = ok === true ? "receipt-ok" : (ok === false ? "receipt-bad" : "");
  }

  /* A receipt that is not in the published ledger, or whose hash differs: how to report it,
     with the 我要纠错 form prefilled (page and receipt number). */
  function offerReport(receipt, typed) {
    if (!correction) { return; }
    var text = "回执编号 " + receipt + (typed ? "（校验码 " + typed + "）" : "") +
      "：我的意见没有出现在公布的意见台账中，或校验码不一致，请核实。";
    var a = document.createElement("a");
    a.href = correction + "?page=" + encodeURIComponent(page) + "&description=" + encodeURIComponent(text);
    a.textContent = "通过“我要纠错”报告（已填好回执编号）";
    out.appendChild(document.createTextNode(" "));
    out.appendChild(a);
  }

  function normalise(r) {
    r = String(r || "").replace(/\s+/g, "").toUpperCase();
    var i = r.lastIndexOf("-");
    if (i < 0) { return r; }
    return r.slice(0, i + 1) + r.slice(i + 1).replace(/O/g, "0").replace(/[IL]/g, "1");
  }

  function check() {
    var receipt = normalise(input.value);
    if (!receipt) { say("请输入回执编号。"); return; }
    var hash = ledger.receipts[receipt];
    if (!hash) {
      say("公布的意见台账中没有回执 " + receipt + "。请先核对编号；编号无误的，说明您的意见没有被收录。", false);
      offerReport(receipt, "");
      return;
    }
    var typed = hashInput ? String(hashInput.value || "").replace(/\s+/g, "").toLowerCase() : "";
    /* The receipt and the report show the first 8 characters; the full hash also matches. */
    var short = hash.slice(0, 8);
    if (!typed) {
      say("回执 " + receipt + " 已登记入意见台账，校验码前8位为 " + short + "。请与您回执上的校验码比对。", true);
    } else if (typed === hash || (typed.length === 8 && typed === short)) {
      say("核对一致：回执 " + receipt + " 的意见已完整收录，未被改动。", true);
    } else {
      say("校验码不一致：台账中回执 " + receipt + " 的校验码前8位为 " + short + "，与您输入的不同。", false);
      offerReport(receipt, typed);
    }
  }

  form.onsubmit = function (e) {
    if (e && e.preventDefault) { e.preventDefault(); }
    if (ledger) { check(); return false; }
    say("正在读取意见台账……");
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url, true);
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      if (xhr.status === 200) {
        try { ledger = JSON.parse(xhr.responseText); } catch (err) { ledger = null; }
      }
      if (ledger && ledger.receipts) { check(); } else { say("暂时无法读取意见台账，请稍后再试。", false); }
    };
    xhr.send();
    return false;
  };
})();
