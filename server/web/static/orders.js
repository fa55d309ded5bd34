// The brand's orders: newest first, filtered by session, partner, state and dates, a page at a
// time (the API's cursor). Each order opens its own page. On a phone the rows become cards (CSS).
(function () {
  "use strict";
  var root = document.getElementById("orders");
  if (!root) return;
  var brandId = root.dataset.brand, $ = function (id) { return document.getElementById(id); };
  var adminBrand = new URLSearchParams(location.search).get("brand");
  var state = { cursor: null, query: null, titles: {} };
  var base = "/api/v1/brands/" + encodeURIComponent(brandId);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function notice(text) { zx.notice($("notice"), text); }
  function orderHref(id) {
    return "/console/orders/" + encodeURIComponent(id) + (adminBrand ? "?brand=" + encodeURIComponent(adminBrand) : "");
  }
  // a day picked in the reader's calendar → the instant it starts there (the API wants a time zone)
  function dayStart(value, plusDays) {
    if (!value) return null;
    var d = new Date(value + "T00:00:00");
    d.setDate(d.getDate() + (plusDays || 0));
    return d.toISOString();
  }

  function options(select, items, label) {
    items.forEach(function (item) {
      var option = el("option", "", label(item));
      option.value = item.value; select.appendChild(option);
    });
  }
  function loadChoices() {
    var sessions = zx.api("GET", base + "/sessions?limit=100").then(function (page) {
      options($("f-session"), page.items, function (s) {
        s.value = s.id; state.titles[s.id] = s.title;
        return s.title + " · " + zx.when(s.scheduled_start_at, { dateStyle: "short" });
      });
    }).catch(function () { /* rows show the session's id, the filter works by the other fields */ });
    zx.api("GET", base + "/partnerships?limit=100").then(function (page) {
      options($("f-partner"), page.items, function (p) { p.value = p.partner_id; return p.partner_id; });
    }).catch(function () { /* idem */ });
    return sessions;
  }

  function query() {
    var form = $("order-filters"), params = new URLSearchParams({ limit: "20" });
    ["session_id", "partner_id", "state"].forEach(function (name) { if (form[name].value) params.set(name, form[name].value); });
    var from = dayStart(form.from.value), until = dayStart(form.until.value, 1);
    if (from) params.set("created_from", from);
    if (until) params.set("created_until", until);
    return params;
  }

  function row(o) {
    var tr = el("tr"), link = el("a", "", o.id);
    link.href = orderHref(o.id);
    var cells = [
      ["order", link], ["created", zx.when(o.created_at)], ["session", state.titles[o.session_id] || o.session_id],
      ["state", el("span", "state state-" + o.state, zx.t("state_" + o.state))],
      ["amount", zx.money(o.amount_minor, o.currency)], ["refunded", zx.money(o.refunded_minor, o.currency)],
    ];
    cells.forEach(function (cell) {
      var td = el("td", cell[0] === "amount" || cell[0] === "refunded" ? "num" : "");
      td.dataset.label = zx.t(cell[0]); td.dataset.col = cell[0];
      if (typeof cell[1] === "string") td.textContent = cell[1]; else td.appendChild(cell[1]);
      tr.appendChild(td);
    });
    tr.dataset.order = o.id;
    return tr;
  }

  function load(reset) {
    if (reset) { state.cursor = null; state.query = query(); $("order-rows").textContent = ""; }
    var params = new URLSearchParams(state.query);
    if (state.cursor) params.set("cursor", state.cursor);
    return zx.api("GET", base + "/orders?" + params).then(function (page) {
      page.items.forEach(function (o) { $("order-rows").appendChild(row(o)); });
      state.cursor = page.next_cursor;
      $("more").hidden = !page.next_cursor;
      $("empty").hidden = $("order-rows").children.length > 0;
      notice("");
    }).catch(function (error) { notice(error.message); });
  }

  $("order-filters").addEventListener("submit", function (e) {
    e.preventDefault();
    var form = e.target;
    if (form.from.value && form.until.value && form.until.value < form.from.value) return notice(zx.t("bad_range"));
    load(true);
  });
  $("order-filters").addEventListener("reset", function () { setTimeout(function () { load(true); }, 0); });
  $("more").addEventListener("click", function () { load(false); });
  document.addEventListener("zx:lang", function () { load(true); });
  loadChoices().then(function () { load(true); });
})();
