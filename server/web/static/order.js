// One order on the brand's console: its lines, history and payment; why it earns for a partner
// (the attribution decision); the commission split and the ledger entries behind it; its refunds.
// A refund (part or all) first shows, from a read-only preview, the commission it will reverse;
// after it, the page waits (bounded) for the reversal to reach the ledger and shows it.
(function () {
  "use strict";
  var root = document.getElementById("order-page");
  if (!root) return;
  var orderId = root.dataset.order, $ = function (id) { return document.getElementById(id); };
  var api = "/api/v1/orders/" + encodeURIComponent(orderId);
  var adminBrand = new URLSearchParams(location.search).get("brand");
  var current = { order: null, pending: null, done: "", names: {} };
  if (adminBrand) $("back").href = "/console/orders?brand=" + encodeURIComponent(adminBrand);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function money(minor) { return zx.money(minor, current.order.currency); }
  function notice(text, ok) { zx.notice($("notice"), text, { ok: ok }); }
  function orNone(promise) { return promise.catch(function (error) { if (error.status === 404) return null; throw error; }); }
  function fill(list, items, render) {
    $(list).textContent = "";
    items.forEach(function (item) { $(list).appendChild(render(item)); });
  }

  // ---- the order -----------------------------------------------------------------------------
  function paymentState(o) {
    if (!o.payment_intent_id) return "pay_none";
    if (o.paid_at) return "pay_succeeded";
    return { pending_payment: "pay_waiting", processing: "pay_processing" }[o.state] || "pay_canceled";
  }
  function showOrder(o) {
    current.order = o;
    $("order-state").textContent = zx.t("state_" + o.state);
    $("order-state").className = "state state-" + o.state;
    $("amount").textContent = money(o.amount_minor);
    $("refunded").textContent = money(o.refunded_minor);
    $("created").textContent = zx.when(o.created_at);
    $("session").textContent = o.session_id;
    $("intent").textContent = o.payment_intent_id || "—";
    $("payment-state").textContent = zx.t(paymentState(o));
    $("paid-at").textContent = zx.when(o.paid_at);
    fill("lines", o.lines, function (l) {
      var li = el("li", "", l.title + " ");
      li.appendChild(el("small", "muted", zx.t("line_detail", { qty: l.quantity, unit: money(l.unit_price_minor), amount: money(l.amount_minor) })));
      return li;
    });
    fill("history", o.history, function (h) {
      return el("li", "", zx.t("history_line", {
        from: h.from_state ? zx.t("state_" + h.from_state) : "∅", to: zx.t("state_" + h.to_state), reason: h.reason, when: zx.when(h.at),
      }));
    });
    $("refund-form").hidden = ["paid", "partially_refunded"].indexOf(o.state) < 0;
  }

  function showAttribution(a) {
    $("attr-none").hidden = !!a; $("attr-facts").hidden = !a;
    if (!a) return;
    current.names[a.partner_id] = a.partner_name; current.names[a.parent_partner_id] = a.parent_partner_name;
    var name = function (n, id) { return id ? (n ? n + " (" + id + ")" : id) : "—"; };
    $("attr-rule").textContent = zx.t("rule_" + a.rule);
    $("attr-partner").textContent = name(a.partner_name, a.partner_id);
    $("attr-parent").textContent = name(a.parent_partner_name, a.parent_partner_id);
    $("attr-link").textContent = a.link_code ? "/l/" + a.link_code + (a.link_label ? " · " + a.link_label : "") : "—";
    $("attr-clicked").textContent = zx.when(a.clicked_at);
    $("attr-earns").textContent = zx.t(a.earns ? "yes" : "no");
  }

  function party(key, id) { return zx.t(key, { id: current.names[id] || id }); }
  function splitRow(label, share, reversed) {
    var tr = el("tr");
    tr.appendChild(el("td", "", label));
    tr.appendChild(el("td", "num", money(share)));
    tr.appendChild(el("td", "num", reversed === null ? "" : money(reversed)));
    return tr;
  }
  function showSplit(c, entries) {
    $("split-none").hidden = !!c; $("split-table").hidden = !c;
    if (!c) { $("entries").textContent = ""; return; }
    var rows = [];
    if (c.partner_id) rows.push(splitRow(party("party_partner", c.partner_id), c.partner_minor, c.partner_reversed_minor));
    if (c.parent_partner_id) rows.push(splitRow(party("party_parent", c.parent_partner_id), c.parent_minor, c.parent_reversed_minor));
    rows.push(splitRow(zx.t("party_fee"), c.platform_fee_minor, c.fee_reversed_minor));
    rows.push(splitRow(zx.t("party_brand"), c.brand_net_minor, null));
    fill("split-rows", rows, function (r) { return r; });
    fill("entries", entries, function (e) {
      var li = el("li", "entry entry-" + e.reason);
      li.appendChild(el("span", "", zx.t("reason_" + e.reason) + " · " + e.owner_type + " " + e.owner_id + " · " + e.kind));
      li.appendChild(el("b", "num", zx.money(e.amount_minor, e.currency)));
      li.dataset.ref = e.external_ref || "";
      return li;
    });
  }

  function showRefunds(items) {
    $("refunds-empty").hidden = items.length > 0;
    fill("refund-list", items, function (r) {
      var stateKey = r.state === "failed" ? "refund_failed_state" : "refund_" + r.state;
      var li = el("li", "refund refund-" + r.state, zx.t("refund_line", { amount: money(r.amount_minor), state: zx.t(stateKey), when: zx.when(r.created_at) }));
      if (r.reason) li.appendChild(el("small", "muted", " · " + r.reason));
      li.dataset.refund = r.id;
      return li;
    });
  }

  function load() {
    return zx.api("GET", api).then(function (o) {
      showOrder(o);
      return Promise.all([
        zx.api("GET", api + "/refunds"), orNone(zx.api("GET", api + "/attribution")),
        orNone(zx.api("GET", api + "/commission")), orNone(zx.api("GET", api + "/commission/entries")),
      ]);
    }).then(function (all) {
      showRefunds(all[0].items); showAttribution(all[1]); showSplit(all[2], all[3] ? all[3].items : []);
      return all;
    }).catch(function (error) { notice(error.message); });
  }

  // ---- refunds -------------------------------------------------------------------------------
  function clearErrors() { document.querySelectorAll(".field-error").forEach(function (e) { e.textContent = ""; }); }
  function preview(amountMinor) {
    clearErrors();
    var url = api + "/commission/refund-preview" + (amountMinor ? "?amount_minor=" + amountMinor : "");
    orNone(zx.api("GET", url)).then(function (p) {
      var left = current.order.amount_minor - current.order.refunded_minor;
      current.pending = { amount_minor: amountMinor, key: "console-" + Date.now() + "-" + Math.random().toString(36).slice(2, 10) };
      var amount = amountMinor || (p ? p.refund_minor : left);
      $("preview-summary").textContent = zx.t("preview_summary", { amount: money(amount) }) +
        (p && p.applies_minor < p.refund_minor ? " " + zx.t("preview_partial", { applies: money(p.applies_minor) }) : "");
      var rows = [];
      if (p && p.partner_id) rows.push(splitRow(party("party_partner", p.partner_id), -p.partner_minor, null));
      if (p && p.parent_partner_id) rows.push(splitRow(party("party_parent", p.parent_partner_id), -p.parent_minor, null));
      if (p) rows.push(splitRow(zx.t("party_fee"), -p.platform_fee_minor, null));
      if (p) rows.push(splitRow(zx.t("party_brand"), -p.brand_net_minor, null));
      fill("preview-rows", rows, function (r) { return r; });
      $("refund-dialog").showModal();
    }).catch(function (error) { document.querySelector('#refund-form [data-for="_form"]').textContent = error.message; });
  }

  $("refund-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var minor = zx.toMinor($("refund-amount").value, current.order.currency);
    if (!minor) { document.querySelector('#refund-form [data-for="amount_minor"]').textContent = zx.t("bad_amount"); return; }
    preview(minor);
  });
  $("refund-full").addEventListener("click", function () { preview(null); });
  $("refund-cancel").addEventListener("click", function () { $("refund-dialog").close(); });

  $("refund-confirm-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var body = {}, reason = $("refund-reason").value.trim();
    if (current.pending.amount_minor) body.amount_minor = current.pending.amount_minor;
    if (reason) body.reason = reason;
    $("refund-confirm").disabled = true;
    fetchRefund(body).then(function (r) {
      $("refund-dialog").close();
      $("refund-amount").value = "";
      current.done = zx.t("refund_done", { amount: money(r.amount_minor), state: zx.t("state_" + r.order_state) });
      notice(current.done, true);
      return load().then(function () { return waitForReversal(r.id, 0); });
    }).catch(function (error) {
      document.querySelector('#refund-confirm-form [data-for="_form"]').textContent = zx.t("refund_failed", { reason: error.message });
    }).then(function () { $("refund-confirm").disabled = false; });
  });

  function fetchRefund(body) {
    return zx.api("POST", api + "/refunds", body, { headers: { "Idempotency-Key": current.pending.key } });
  }

  // The reversal is posted by the commission ledger from the refund's event, a moment later.
  function waitForReversal(refundId, attempt) {
    var mine = function (e) { return e.external_ref === refundId; };
    return orNone(zx.api("GET", api + "/commission/entries")).then(function (page) {
      var entries = page ? page.items.filter(mine) : [];
      if (!page) return null;
      if (entries.length) {
        var reversed = entries.filter(function (e) { return e.owner_type !== "brand"; })
          .reduce(function (sum, e) { return sum - e.amount_minor; }, 0);
        notice(current.done + " " + zx.t("reversal_done", { amount: money(reversed) }), true);
        return load();
      }
      if (attempt === 0) notice(current.done + " " + zx.t("reversal_waiting"), true);
      if (attempt >= 30) return null;
      return new Promise(function (resolve) { setTimeout(resolve, 1000); }).then(function () { return waitForReversal(refundId, attempt + 1); });
    });
  }

  document.addEventListener("zx:lang", function () { load(); });
  load();
})();
