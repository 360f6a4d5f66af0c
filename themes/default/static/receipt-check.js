/* 回执核对 (check my receipt) — gongshi feedback ledger.
 * Markup (see docs/feedback.md):
 *   <form id="receipt-check" data-ledger="opinions.json"> with
 *   #receipt-check-input (回执编号), optional #receipt-check-hash (校验码),
 *   and #receipt-check-result (role="status") for the answer.
 * The JSON is {"consultation", "count", "head", "receipts": {receipt: hash}}.
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
  var ledger = null;

  function say(text, ok) {
    out.textContent = text;
    out.className = ok === true ? "receipt-ok" : (ok === false ? "receipt-bad" : "");
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
      say("意见台账中没有回执 " + receipt + "。请核对编号；征集结束后意见才会登记入台账。", false);
      return;
    }
    var typed = hashInput ? String(hashInput.value || "").replace(/\s+/g, "").toLowerCase() : "";
    if (!typed) {
      say("回执 " + receipt + " 已登记入意见台账，校验码为 " + hash + "。请与您回执上的校验码比对。", true);
    } else if (typed === hash) {
      say("核对一致：回执 " + receipt + " 的意见已完整收录，未被改动。", true);
    } else {
      say("校验码不一致：台账中回执 " + receipt + " 的校验码为 " + hash + "，与您输入的不同。请核对后联系我们。", false);
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
