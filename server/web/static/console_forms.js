// console_forms.js: what the partners and settings pages share on top of zx.js — building an
// element, a notice line, the API's field errors put beside their fields, and rates typed in
// percent sent as basis points. Loaded after zx.js, before the page's own script.
(function () {
  "use strict";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function notice(text, ok) {
    var box = document.getElementById("notice");
    box.textContent = text; box.hidden = false; box.className = "notice" + (ok ? " ok" : "");
    clearTimeout(notice.timer); notice.timer = setTimeout(function () { box.hidden = true; }, 6000);
  }

  // The slot beside a field named by the API: "settings.hold_period_days", "proposed.rule.rate_bps"
  // and "blocked_words.3" find the slot of the most specific part a form has.
  function slotFor(form, field) {
    var parts = String(field || "").split(".").reverse();
    for (var i = 0; i < parts.length; i++) {
      var slot = form.querySelector('.field-error[data-for="' + parts[i] + '"]');
      if (slot) return slot;
    }
    return null;
  }

  // Puts a problem's `errors` beside their fields (those this form has no slot for go to
  // `fallback`'s form line, or this form's); a problem without field errors shows its detail.
  function showErrors(form, error, fallback) {
    var errors = (error.problem && error.problem.errors) || [];
    var line = function (f) { return f.querySelector('[data-for="_form"]'); };
    if (!errors.length) { line(form).textContent = error.message; return; }
    errors.forEach(function (e) {
      var slot = slotFor(form, e.field) || (fallback && slotFor(fallback, e.field)) || line(form);
      slot.textContent = e.message || error.message;
    });
  }

  function clearErrors(form) { form.querySelectorAll(".field-error").forEach(function (e) { e.textContent = ""; }); }

  // "12.5" (%) → "1250" (bps) with no float; anything else is sent as typed, so the API's own
  // reason ("Input should be a valid decimal", "greater than or equal to 0") is what the user sees.
  function percentToBps(text) {
    var clean = String(text).trim().replace(/\s|%/g, "");
    var match = /^(-?)(\d+)(?:\.(\d{1,4}))?$/.exec(clean);
    if (!match) return clean;
    var hundredths = Number(match[2]) * 10000 + Number(((match[3] || "") + "0000").slice(0, 4));
    var whole = Math.floor(hundredths / 100), rest = hundredths % 100;
    return match[1] + whole + (rest ? "." + String(rest).padStart(2, "0").replace(/0$/, "") : "");
  }

  // As a JSON number when it is a plain integer (an int field), else the text (a decimal field
  // takes it; an int field refuses it with its own reason).
  function bpsValue(text) {
    var bps = percentToBps(text);
    return /^-?\d+$/.test(bps) ? Number(bps) : bps;
  }

  function bpsToPercentText(bps) {
    if (bps === null || bps === undefined) return "";
    var n = Number(bps) / 100;
    return String(Math.round(n * 10000) / 10000);
  }

  function percent(bps) {
    if (bps === null || bps === undefined) return "—";
    var fmt = new Intl.NumberFormat(zx.lang() === "zh" ? "zh-CN" : "en", { style: "percent", maximumFractionDigits: 4 });
    return fmt.format(Number(bps) / 10000);
  }

  function option(value, text) {
    var node = el("option", "", text);
    node.value = value;
    return node;
  }

  window.zxForm = {
    el: el, notice: notice, showErrors: showErrors, clearErrors: clearErrors, slotFor: slotFor,
    percentToBps: percentToBps, bpsValue: bpsValue, bpsToPercentText: bpsToPercentText, percent: percent,
    option: option,
  };
})();
