// zx.js: what every page shares, loaded before the page's own script. One way to call the API
// (problem+json errors become one Error with the reason), to show money by the currency's own
// exponent and the reader's language, to show a time, to translate the page (Chinese or
// English, chosen once and remembered), and to hold the room socket with resume.
// Plain script (no build step, no module loader) so it works in WeChat's browser as is.
(function () {
  "use strict";
  var LANGS = ["zh", "en"];
  var dictionaries = { zh: {}, en: {} };

  // ---- language ----------------------------------------------------------------------------
  // ?lang= first, then the reader's choice (remembered), then what the server chose from the
  // cookie or Accept-Language (<html lang>, server/web/locale.py), then the browser's language.
  function pickLang() {
    var asked = new URLSearchParams(location.search).get("lang");
    var stored = null;
    try { stored = localStorage.getItem("zx_lang"); } catch (e) { /* private mode: no storage */ }
    var served = (document.documentElement.getAttribute("lang") || "").slice(0, 2).toLowerCase();
    var browser = (navigator.language || "en").slice(0, 2).toLowerCase();
    return [asked, stored, served, browser].filter(function (l) { return LANGS.indexOf(l) >= 0; })[0] || "en";
  }
  var lang = pickLang();
  var servedLang = (document.documentElement.getAttribute("lang") || "").slice(0, 2).toLowerCase();

  // The cookie tells the server, so the next page arrives in this language (and <html lang> with it).
  function rememberForServer(next) {
    document.cookie = "zx_lang=" + next + "; path=/; max-age=31536000; samesite=lax";
  }

  function setLang(next) {
    if (LANGS.indexOf(next) < 0) return;
    lang = next;
    try { localStorage.setItem("zx_lang", next); } catch (e) { /* not remembered, still applied */ }
    rememberForServer(next);
    // A page whose text the server wrote in one language is fetched again in the other.
    if (document.body && document.body.hasAttribute("data-lang-reload")) {
      var url = new URL(location.href);
      url.searchParams.delete("lang");
      location.replace(url.toString());
      return;
    }
    translate(document);
    document.dispatchEvent(new CustomEvent("zx:lang", { detail: next }));
  }

  // Pages register their strings once: zx.strings({en: {key: "…"}, zh: {key: "…"}}).
  function strings(table) {
    LANGS.forEach(function (l) { Object.assign(dictionaries[l], table[l] || {}); });
    translate(document);
  }

  // t("orders_n", {n: 3}) → the text in the current language, {name} filled in; the key itself
  // when no dictionary has it (visible in review, never an empty label).
  function t(key, values) {
    var text = dictionaries[lang][key] || dictionaries.en[key] || key;
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values && name in values ? values[name] : ""; });
  }

  // Elements with data-i18n="key" get their text; data-i18n-attr="placeholder:key;title:key2"
  // their attributes. Text goes in with textContent, never as HTML.
  function translate(root) {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    (root || document).querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t(el.dataset.i18n); });
    (root || document).querySelectorAll("[data-i18n-attr]").forEach(function (el) {
      el.dataset.i18nAttr.split(";").forEach(function (pair) {
        var parts = pair.split(":");
        if (parts.length === 2) el.setAttribute(parts[0].trim(), t(parts[1].trim()));
      });
    });
    (root || document).querySelectorAll("[data-lang-switch]").forEach(function (el) {
      el.setAttribute("aria-pressed", String(el.dataset.langSwitch === lang));
    });
  }

  // ---- formatting --------------------------------------------------------------------------
  function locale() { return lang === "zh" ? "zh-CN" : "en"; }

  // Integer minor units → "¥12.30" / "$12.30" / "¥1,230" (JPY has no minor unit): the exponent is
  // the currency's, as Intl knows it, so no page hard-codes "/ 100".
  function money(minor, currency) {
    if (minor === null || minor === undefined || !currency) return "—";
    var fmt = new Intl.NumberFormat(locale(), { style: "currency", currency: currency });
    var exponent = fmt.resolvedOptions().maximumFractionDigits;
    return fmt.format(Number(minor) / Math.pow(10, exponent));
  }

  function when(iso, options) {
    if (!iso) return "—";
    var opts = options || { dateStyle: "medium", timeStyle: "short" };
    return new Intl.DateTimeFormat(locale(), opts).format(new Date(iso));
  }

  function number(value) { return new Intl.NumberFormat(locale()).format(value); }

  function exponent(currency) {
    return new Intl.NumberFormat("en", { style: "currency", currency: currency }).resolvedOptions().maximumFractionDigits;
  }

  // What a person typed ("12.5", "1,299.90") → integer minor units by the currency's exponent
  // (CNY "12.5" → 1250, JPY "12" → 12); null when it is not a plain amount. No floats involved.
  function toMinor(text, currency) {
    var digits = exponent(currency), clean = String(text).trim().replace(/[,\s]/g, "");
    var pattern = digits ? new RegExp("^\\d+(\\.\\d{1," + digits + "})?$") : /^\d+$/;
    if (!pattern.test(clean)) return null;
    var parts = clean.split(".");
    return Number(parts[0]) * Math.pow(10, digits) + Number(((parts[1] || "") + "000000").slice(0, digits) || 0);
  }

  // Minor units → the plain figure a form field shows ("12.50"), no currency sign or grouping.
  function fromMinor(minor, currency) {
    var digits = exponent(currency);
    return digits ? (minor / Math.pow(10, digits)).toFixed(digits) : String(minor);
  }

  // ---- the API -----------------------------------------------------------------------------
  // zx.api("POST", "/api/v1/...", body, {headers}) → the JSON answer (null for 204). A 4xx/5xx rejects with
  // an Error whose message is the problem's detail, plus .status, .problem (the whole
  // problem+json: its reason/code and field errors) and .retryAfter (seconds, from 429/409).
  function api(method, url, body, options) {
    var init = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined && body !== null) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (options && options.token) init.headers.Authorization = "Bearer " + options.token;
    if (options && options.headers) Object.assign(init.headers, options.headers); // e.g. Idempotency-Key
    return fetch(url, init).then(function (response) {
      if (response.status === 204) return null;
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
        if (response.ok) return data;
        throw problem(response, data || {});
      });
    });
  }

  function problem(response, data) {
    var error = new Error(data.detail || data.title || t("request_failed", { status: response.status }));
    error.status = response.status;
    error.problem = data;
    var retry = response.headers.get("Retry-After");
    error.retryAfter = retry ? Number(retry) : (data.retry_after || null);
    return error;
  }

  // ---- notices and field errors (the console pages) ----------------------------------------
  // zx.notice(box, text, {ok, hideAfterMs}): one line of news in the page's notice box (class
  // "notice", plus "ok" for good news); empty text hides it; hideAfterMs hides it again later.
  function notice(box, text, options) {
    var opts = options || {};
    box.textContent = text || "";
    box.hidden = !text;
    box.className = "notice" + (opts.ok ? " ok" : "");
    clearTimeout(box.zxHide);
    if (text && opts.hideAfterMs) box.zxHide = setTimeout(function () { box.hidden = true; }, opts.hideAfterMs);
  }

  // A form's error slots: `.field-error[data-for="<field>"]`, and `[data-for="_form"]` for the rest.
  function fieldError(form, field, text) {
    var slot = form.querySelector('.field-error[data-for="' + field + '"]') || form.querySelector('[data-for="_form"]');
    if (slot) slot.textContent = text;
  }

  // A rejected zx.api call → each problem+json field error under its field, else the detail.
  function showErrors(form, error) {
    var errors = (error.problem && error.problem.errors) || [];
    if (!errors.length) fieldError(form, "_form", error.message);
    errors.forEach(function (e) { fieldError(form, e.field, e.message); });
  }

  function clearErrors(form) { form.querySelectorAll(".field-error").forEach(function (e) { e.textContent = ""; }); }

  // ---- the room socket ---------------------------------------------------------------------
  // zx.roomSocket(url, {onEvent, onState}) keeps a socket open: on a drop it reconnects with
  // backoff and ?last_seq= so the server replays what was missed; a 44xx close is final (not
  // allowed, not found) and is reported, not retried.
  function roomSocket(url, handlers) {
    var lastSeq = null, retryMs = 500, socket = null, stopped = false;
    function connect() {
      var full = url + (lastSeq === null ? "" : (url.indexOf("?") >= 0 ? "&" : "?") + "last_seq=" + lastSeq);
      socket = new WebSocket(full);
      socket.onopen = function () { retryMs = 500; if (handlers.onState) handlers.onState("open"); };
      socket.onmessage = function (message) {
        var event = JSON.parse(message.data);
        if (typeof event.seq === "number") lastSeq = event.seq;
        handlers.onEvent(event);
      };
      socket.onclose = function (close) {
        if (stopped) return;
        if (close.code >= 4400 && close.code < 4500) {
          if (handlers.onState) handlers.onState("refused", close.reason);
          return;
        }
        if (handlers.onState) handlers.onState("reconnecting");
        setTimeout(connect, retryMs + Math.random() * 300);
        retryMs = Math.min(retryMs * 2, 8000);
      };
    }
    connect();
    return {
      send: function (obj) {
        if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(obj)); return true; }
        return false;
      },
      close: function () { stopped = true; if (socket) socket.close(); },
    };
  }

  strings({
    en: {
      request_failed: "Request failed ({status})", nav_live: "Live", nav_schedule: "Schedule",
      nav_catalogue: "Catalogue", nav_partners: "Partners", nav_orders: "Orders",
      nav_settings: "Settings", nav_webhooks: "Webhooks",
      sign_out: "Sign out", skip_to_content: "Skip to content", api_docs: "API docs",
    },
    zh: {
      request_failed: "请求失败（{status}）", nav_live: "直播中控", nav_schedule: "场次排期",
      nav_catalogue: "商品库", nav_partners: "分销伙伴", nav_orders: "订单",
      nav_settings: "设置", nav_webhooks: "Webhook",
      sign_out: "退出登录", skip_to_content: "跳到正文", api_docs: "API 文档",
    },
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-lang-switch]");
    if (target) setLang(target.dataset.langSwitch);
  });
  // A choice remembered before the cookie existed reaches the server from the next page on.
  if (lang !== servedLang && LANGS.indexOf(lang) >= 0) rememberForServer(lang);
  // A table that scrolls inside itself on a phone must be reachable by keyboard to be read
  // (axe: scrollable-region-focusable); one with a link or button inside already is.
  function focusableScrollers() {
    document.querySelectorAll("main table, main .table-wrap, main .table-scroll, main pre").forEach(function (el) {
      if (el.scrollWidth <= el.clientWidth + 1 || el.hasAttribute("tabindex")) return;
      if (el.querySelector("a[href], button, input, select, textarea, [tabindex]")) return;
      el.setAttribute("tabindex", "0");
    });
  }
  function ready() {
    // On a page whose text the server wrote, that text's language is the page's language.
    if (document.body.hasAttribute("data-lang-reload") && LANGS.indexOf(servedLang) >= 0) lang = servedLang;
    translate(document);
    focusableScrollers();
    // Tables the page's script fills later (previews, dashboards) are checked again, once a frame.
    var main = document.querySelector("main");
    var queued = false;
    if (main && window.MutationObserver) new MutationObserver(function () {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () { queued = false; focusableScrollers(); });
    }).observe(main, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);

  window.zx = {
    api: api, money: money, when: when, number: number, toMinor: toMinor, fromMinor: fromMinor,
    t: t, strings: strings, translate: translate,
    notice: notice, fieldError: fieldError, showErrors: showErrors, clearErrors: clearErrors,
    roomSocket: roomSocket, setLang: setLang, lang: function () { return lang; },
  };
})();
