// The finance desk: filters (brand, dates), partner balances by name with each clawback explained,
// commission per day (uPlot), the reconciliation with every mismatch in words, payouts with their
// Stripe transfers (drill-down by run), settlement runs. Settling is finance_settle.js. Money is
// zx.money, times zx.when; every table has a CSV link carrying the same filters.
(function () {
  "use strict";
  var root = document.getElementById("finance");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var state = { runId: null, cursor: null, brands: {} };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function notice(text) { $("notice").textContent = text || ""; $("notice").hidden = !text; }
  // a partner by name; its id on hover (and in data-partner for tests and copy)
  function partner(id, name) {
    var span = el("span", "partner-name", name || id);
    span.title = id; span.dataset.partner = id;
    return span;
  }
  // one table row; on a phone each cell shows its column's label (data-label, CSS)
  function row(cells) {
    var tr = el("tr");
    cells.forEach(function (c) {
      var td = el("td", c.num ? "num" : "");
      td.dataset.label = zx.t(c.label);
      if (c.node) td.appendChild(c.node); else td.textContent = c.text === undefined ? "" : c.text;
      tr.appendChild(td);
    });
    return tr;
  }
  function fill(tbodyId, emptyId, rows) {
    var body = $(tbodyId);
    body.textContent = "";
    rows.forEach(function (r) { body.appendChild(r); });
    $(emptyId).hidden = rows.length > 0;
  }
  function dayStart(value, plusDays) {
    if (!value) return null;
    var d = new Date(value + "T00:00:00");
    d.setDate(d.getDate() + (plusDays || 0));
    return d.toISOString();
  }
  function filters() {
    var form = $("desk-filters"), p = {};
    if (form.brand_id.value) p.brand_id = form.brand_id.value;
    var since = dayStart(form.from.value), until = dayStart(form.until.value, 1);
    if (since) p.since = since;
    if (until) p.until = until;
    return p;
  }
  function qs(params) {
    var q = new URLSearchParams();
    Object.keys(params).forEach(function (k) { if (params[k]) q.set(k, params[k]); });
    var text = q.toString();
    return text ? "?" + text : "";
  }
  function csvLink(id, path, params) { $(id).href = path + qs(params); }

  // ---- balances ------------------------------------------------------------------------------
  function causeText(b) {
    var neg = b.negative, list = el("ul", "causes");
    var head = neg && neg.payout_id
      ? zx.t("cause_after", { payout: neg.payout_id, transfer: neg.transfer_id || "—", paid: zx.money(neg.paid_amount_minor, b.currency), when: zx.when(neg.paid_at) })
      : zx.t("cause_no_payout");
    ((neg && neg.causes) || []).forEach(function (c) {
      list.appendChild(el("li", "", zx.t("cause_" + c.reason, {
        ref: c.external_ref || "—", order: c.order_id || "—", when: zx.when(c.effective_at), amount: zx.money(-c.amount_minor, b.currency),
      })));
    });
    if (!list.children.length) list.appendChild(el("li", "", zx.t("cause_unknown")));
    var box = el("div", "cause");
    box.appendChild(el("p", "", head));
    box.appendChild(list);
    return box;
  }
  function balanceRows(items) {
    var out = [], p = filters();
    items.forEach(function (b) {
      var avail = el("span", "", zx.money(b.available_minor, b.currency));
      if (b.available_minor < 0) {
        var wrap = el("span", "neg");
        wrap.appendChild(avail); wrap.appendChild(el("span", "badge flag", zx.t("clawback")));
        avail = wrap;
      }
      var link = el("a", "", zx.t("csv"));
      link.href = "/api/v1/partners/" + encodeURIComponent(b.partner_id) + "/statement.csv" + qs({ since: p.since, until: p.until });
      var tr = row([
        { label: "partner", node: partner(b.partner_id, b.partner_name) },
        { label: "pending", text: zx.money(b.pending_minor, b.currency), num: true },
        { label: "available", node: avail, num: true },
        { label: "in_flight", text: zx.money(b.in_flight_minor, b.currency), num: true },
        { label: "paid", text: zx.money(b.paid_minor, b.currency), num: true },
        { label: "disputed", text: zx.money(b.disputed_minor, b.currency), num: true },
        { label: "statement", node: link },
      ]);
      tr.dataset.partner = b.partner_id;
      out.push(tr);
      if (b.available_minor < 0) {
        var cause = el("tr", "cause-row"), td = el("td");
        td.colSpan = 7; td.appendChild(causeText(b)); cause.appendChild(td);
        cause.dataset.partner = b.partner_id; tr.classList.add("negative");
        out.push(cause);
      }
    });
    return out;
  }
  function loadBalances() {
    var p = { brand_id: filters().brand_id };
    csvLink("balances-csv", "/api/v1/finance/balances.csv", p);
    return zx.api("GET", "/api/v1/finance/balances" + qs(p)).then(function (page) {
      fill("balance-rows", "balances-empty", balanceRows(page.items));
    });
  }

  // ---- commission per day --------------------------------------------------------------------
  function chartFor(currency, days) {
    var box = el("figure", "chart");
    box.appendChild(el("figcaption", "", currency));
    $("charts").appendChild(box);
    // the chart plots major units (a picture, not money math); zx knows the currency's exponent
    var scale = Math.round(1 / Number(zx.fromMinor(1, currency)));
    var xs = days.map(function (d) { return Date.parse(d.day + "T00:00:00Z") / 1000; });
    var series = ["accrued_minor", "reversed_minor", "paid_minor"].map(function (k) { return days.map(function (d) { return d[k] / scale; }); });
    if (!window.uPlot) { box.appendChild(el("p", "muted", zx.t("daily_empty"))); return; }
    var money = function (v) { return v === null || v === undefined ? "—" : zx.money(Math.round(v * scale), currency); };
    var opts = {
      width: Math.max(260, box.clientWidth - 8), height: 220,
      series: [{ value: function (u, v) { return v ? zx.when(new Date(v * 1000).toISOString(), { dateStyle: "medium" }) : "—"; } },
        { label: zx.t("legend_accrued"), stroke: "#3ecf8e", width: 2, value: function (u, v) { return money(v); } },
        { label: zx.t("legend_reversed"), stroke: "#f5a524", width: 2, value: function (u, v) { return money(v); } },
        { label: zx.t("legend_paid"), stroke: "#7aa2ff", width: 2, value: function (u, v) { return money(v); } }],
      axes: [{ stroke: "#9aa3b2", grid: { stroke: "#262a33" } },
        { stroke: "#9aa3b2", grid: { stroke: "#262a33" }, size: 70, values: function (u, splits) { return splits.map(money); } }],
    };
    new window.uPlot(opts, [xs].concat(series), box);
  }
  function loadDaily() {
    var p = filters();
    csvLink("daily-csv", "/api/v1/finance/daily.csv", p);
    return zx.api("GET", "/api/v1/finance/daily" + qs(p)).then(function (body) {
      $("charts").textContent = "";
      var by = {};
      body.days.forEach(function (d) { (by[d.currency] = by[d.currency] || []).push(d); });
      Object.keys(by).sort().forEach(function (c) { chartFor(c, by[c]); });
      $("daily-empty").hidden = body.days.length > 0;
    });
  }

  // ---- reconciliation ------------------------------------------------------------------------
  function explain(m) {
    var r = m.reason || "";
    if (m.section !== "payouts") return zx.t("mm_" + m.section) === "mm_" + m.section ? zx.t("mm_other") : zx.t("mm_" + m.section);
    if (/still in flight/.test(r)) return zx.t("mm_payout_in_flight");
    if (/no matching Stripe transfer/.test(r)) return zx.t("mm_payout_missing");
    if (/^amount differs/.test(r)) return zx.t("mm_payout_amount");
    if (/^destination differs/.test(r)) return zx.t("mm_payout_destination");
    if (/no paid payout/.test(r)) return zx.t("mm_payout_stray");
    if (/not configured/.test(r)) return zx.t("mm_no_stripe");
    return zx.t("mm_payouts");
  }
  function mismatch(m) {
    var li = el("li", "mismatch mismatch-" + m.section);
    li.appendChild(el("b", "", zx.t("section_" + m.section)));
    li.appendChild(el("p", "", explain(m)));
    var ids = [m.currency, m.order_id, m.refund_id, m.payout_id, m.transfer_id, m.dispute_id].filter(Boolean).join(" · ");
    li.appendChild(el("small", "muted", zx.t("mm_detail", { reason: m.reason }) + (ids ? " — " + ids : "")));
    return li;
  }
  function loadReconciliation() {
    var p = filters(), period = { since: p.since, until: p.until };
    csvLink("recon-csv", "/api/v1/finance/reconciliation.csv", period);
    return zx.api("GET", "/api/v1/finance/reconciliation" + qs(period)).then(function (r) {
      var span = { since: zx.when(r.since, { dateStyle: "medium" }), until: zx.when(r.until, { dateStyle: "medium" }), n: r.mismatches.length };
      var status = r.ok ? zx.t("recon_ok", span) : zx.t("recon_bad", span);
      if (r.as_of) status += " (" + zx.t("recon_as_of", { when: zx.when(r.as_of) }) + ")";
      $("recon-status").textContent = status;
      $("recon-status").className = r.ok ? "ok" : "bad";
      fill("recon-order-rows", "recon-empty", r.orders.map(function (o) {
        var m = function (v) { return zx.money(v, o.currency); };
        return row([{ label: "currency", text: o.currency }, { label: "paid_orders", text: m(o.paid_orders_minor), num: true },
          { label: "refunds", text: m(o.refunds_minor), num: true }, { label: "disputes_lost", text: m(o.disputes_lost_minor), num: true },
          { label: "brand_net", text: m(o.brand_net_minor), num: true }, { label: "commissions", text: m(o.commissions_minor), num: true },
          { label: "platform_fee", text: m(o.platform_fee_minor), num: true }]);
      }));
      var body = $("recon-commission-rows");
      body.textContent = "";
      r.commission.forEach(function (c) {
        var m = function (v) { return zx.money(v, c.currency); };
        body.appendChild(row([{ label: "currency", text: c.currency }, { label: "accrued", text: m(c.accrued_minor), num: true },
          { label: "reversed", text: m(c.reversed_minor), num: true }, { label: "pending", text: m(c.pending_minor), num: true },
          { label: "available", text: m(c.available_minor), num: true }, { label: "in_flight", text: m(c.in_flight_minor), num: true },
          { label: "paid", text: m(c.paid_minor), num: true }, { label: "disputed", text: m(c.disputed_minor), num: true }]));
      });
      $("recon-empty").hidden = r.orders.length + r.commission.length > 0;
      $("recon-commission").hidden = !r.commission.length;
      $("recon-orders").hidden = !r.orders.length;
      var pay = r.payouts;
      $("recon-payouts").textContent = zx.t(pay.transfers === null ? "recon_no_stripe" : "recon_payouts", { payouts: pay.payouts, matched: pay.matched });
      $("mismatches").textContent = "";
      r.mismatches.forEach(function (m) { $("mismatches").appendChild(mismatch(m)); });
    });
  }

  // ---- payouts and runs ----------------------------------------------------------------------
  function payoutRow(p) {
    var badge = el("span", "state state-" + p.state, zx.t(p.state === "failed" ? "state_failed_payout" : "state_" + p.state));
    var stateCell = el("span");
    stateCell.appendChild(badge);
    if (p.failure_reason) stateCell.appendChild(el("small", "muted block", p.failure_reason));
    var run = el("button", "link run-link", p.run_id);
    run.type = "button"; run.dataset.run = p.run_id;
    var tr = row([
      { label: "partner", node: partner(p.partner_id, p.partner_name) },
      { label: "amount", text: zx.money(p.amount_minor, p.currency), num: true },
      { label: "state", node: stateCell },
      { label: "transfer", node: el("code", "", p.transfer_id || "—") },
      { label: "destination", node: el("code", "", p.destination) },
      { label: "created", text: zx.when(p.created_at) },
      { label: "run", node: run },
    ]);
    tr.dataset.payout = p.id;
    return tr;
  }
  function payoutParams() {
    var p = filters();
    if (state.runId) return { run_id: state.runId, brand_id: p.brand_id };
    return { brand_id: p.brand_id, since: p.since, until: p.until };
  }
  function loadPayouts(reset) {
    if (reset) { state.cursor = null; $("payout-rows").textContent = ""; }
    var p = payoutParams();
    csvLink("payouts-csv", "/api/v1/finance/payouts.csv", p);
    $("payouts-filter").hidden = !state.runId;
    $("payouts-filter-text").textContent = state.runId ? zx.t("payouts_of_run", { run: state.runId }) : "";
    var page = Object.assign({ limit: "50", cursor: state.cursor }, p);
    return zx.api("GET", "/api/v1/finance/payouts" + qs(page)).then(function (body) {
      body.items.forEach(function (item) { $("payout-rows").appendChild(payoutRow(item)); });
      state.cursor = body.next_cursor;
      $("payouts-more").hidden = !body.next_cursor;
      $("payouts-empty").hidden = $("payout-rows").children.length > 0;
    });
  }
  function showRun(runId) {
    state.runId = runId;
    loadPayouts(true).catch(function (e) { notice(e.message); });
    $("payouts-title").scrollIntoView({ behavior: "smooth", block: "start" });
  }
  function loadRuns() {
    return zx.api("GET", "/api/v1/finance/settlements?limit=10").then(function (page) {
      fill("run-rows", "runs-empty", page.items.map(function (r) {
        var skipped = (r.summary.skipped || []).length, link = el("button", "link run-link", r.id);
        link.type = "button"; link.dataset.run = r.id;
        return row([{ label: "run", node: link }, { label: "as_of", text: zx.when(r.as_of) },
          { label: "state", node: el("span", "state state-" + r.state, zx.t("state_" + r.state)) },
          { label: "payouts_n", text: zx.number(r.summary.payouts), num: true },
          { label: "skipped", text: skipped ? zx.t("skipped_n", { n: skipped }) : zx.t("none") }]);
      }));
    });
  }

  // ---- filters -------------------------------------------------------------------------------
  function loadBrands() {
    return zx.api("GET", "/api/v1/brands?limit=200").then(function (page) {
      page.items.forEach(function (b) {
        var option = el("option", "", b.name); option.value = b.id; option.title = b.id;
        $("f-brand").appendChild(option);
      });
    }).catch(function () { /* the filter stays at "all brands" */ });
  }
  function loadAll() {
    notice("");
    var fail = function (e) { notice(e.message); };
    return Promise.all([loadBalances(), loadDaily(), loadReconciliation(), loadPayouts(true), loadRuns()].map(function (p) { return p.catch(fail); }));
  }
  $("desk-filters").addEventListener("submit", function (e) {
    e.preventDefault();
    var f = e.target;
    if (f.from.value && f.until.value && f.until.value < f.from.value) return notice(zx.t("bad_range"));
    state.runId = null;
    loadAll();
  });
  document.addEventListener("click", function (e) {
    var run = e.target.closest && e.target.closest(".run-link");
    if (run) showRun(run.dataset.run);
  });
  $("payouts-all").addEventListener("click", function () { state.runId = null; loadPayouts(true); });
  $("payouts-more").addEventListener("click", function () { loadPayouts(false); });
  document.addEventListener("zx:lang", function () { loadAll(); });
  document.addEventListener("zx:settled", function () { loadAll(); });

  window.zxDesk = { el: el, row: row, partner: partner, qs: qs, filters: filters, notice: notice, fill: fill };
  loadBrands();
  loadAll();
})();
