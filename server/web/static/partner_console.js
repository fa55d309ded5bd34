// The partner console: earnings from the ledger (balances, clawback and its cause, next payout,
// payouts, a statement for any period with its CSV), creating links, copying a link or its share
// code (口令), and the bound customers (私域). The funnel and promotions have their own scripts.
(function () {
  "use strict";
  var root = document.getElementById("partner-console");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var base = "/api/v1/partners/" + encodeURIComponent(root.dataset.partner);
  var earnings = null, customers = null, customersNext = null, statement = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function day(iso) { return zx.when(iso, { dateStyle: "medium" }); }

  // ---- earnings --------------------------------------------------------------------------
  var KINDS = ["pending", "available", "in_flight", "paid"];

  function balanceCard(kind, minor, currency) {
    var card = el("div", "balance balance-" + kind);
    card.dataset.kind = kind;
    card.dataset.minor = String(minor);
    if (minor < 0) card.classList.add("negative");
    card.append(el("span", "balance-name", zx.t(kind)), el("b", "balance-amount", zx.money(minor, currency)),
      el("small", "muted", zx.t(kind + "_help")));
    return card;
  }

  function currencyBlock(c) {
    var block = el("div", "balance-currency");
    block.dataset.currency = c.currency;
    var grid = el("div", "balance-grid");
    KINDS.forEach(function (k) { grid.append(balanceCard(k, c[k + "_minor"], c.currency)); });
    if (c.disputed_minor) grid.append(balanceCard("disputed", c.disputed_minor, c.currency));
    block.append(grid);
    var owed = el("p", "owed", zx.t("owed") + ": ");
    owed.append(el("b", "", zx.money(c.owed_minor, c.currency)));
    owed.dataset.minor = String(c.owed_minor);
    block.append(owed);
    if (c.clawback_minor > 0) block.append(clawback(c));
    if (c.next_release_at) block.append(el("p", "muted", zx.t("next_release", { when: zx.when(c.next_release_at) })));
    return block;
  }

  function clawback(c) {
    var box = el("div", "notice clawback");
    box.dataset.minor = String(c.clawback_minor);
    box.append(el("p", "", zx.t("clawback", { amount: zx.money(c.clawback_minor, c.currency) })));
    var list = el("ul", "causes");
    c.clawback_causes.forEach(function (cause) {
      list.append(el("li", "", zx.t("clawback_cause", {
        amount: zx.money(cause.amount_minor, c.currency), refund: cause.refund_id || "—",
        order: cause.order_id || "—", payout: cause.after_payout_id, transfer: cause.after_transfer_id || "—",
        when: zx.when(cause.after_paid_at),
      })));
    });
    box.append(list);
    return box;
  }

  function renderEarnings() {
    if (!earnings) return;
    var holder = $("balances");
    holder.replaceChildren();
    earnings.currencies.forEach(function (c) { holder.append(currencyBlock(c)); });
    if (!earnings.currencies.length) holder.append(el("p", "muted", zx.t("nothing_yet")));
    var blocked = earnings.currencies.filter(function (c) { return c.next_payout_blocked; }).map(function (c) {
      var code = c.next_payout_blocked_code;
      return code ? zx.t("blocked_" + code, {
        amount: zx.money(c.available_minor, c.currency), minimum: zx.money(earnings.minimum_payout_minor, c.currency),
      }) : c.next_payout_blocked;
    });
    var date = day(earnings.next_payout_on + "T12:00:00");
    $("next-payout").textContent = blocked.length ? zx.t("payout_blocked", { date: date, reason: blocked.join("; ") }) : date;
    var currency = earnings.currencies.length ? earnings.currencies[0].currency : null;
    $("minimum-payout").textContent = currency ? zx.money(earnings.minimum_payout_minor, currency) : String(earnings.minimum_payout_minor);
    $("payout-account").textContent = zx.t(earnings.payout_account_connected ? "account_connected" : "account_missing");
    renderPayouts();
  }

  function renderPayouts() {
    var list = $("payouts");
    list.replaceChildren();
    earnings.payouts.forEach(function (p) {
      var li = el("li", "entry payout payout-" + p.state);
      li.dataset.payout = p.id;
      li.append(el("span", "", zx.t("payout_line", {
        amount: zx.money(p.amount_minor, p.currency), state: zx.t("payout_" + p.state), when: zx.when(p.settled_at || p.created_at),
      })));
      li.append(el("code", "transfer", p.transfer_id ? zx.t("transfer", { id: p.transfer_id }) : (p.failure_reason || "—")));
      list.append(li);
    });
    if (!earnings.payouts.length) list.append(el("li", "muted", zx.t("no_payouts")));
  }

  function loadEarnings() {
    return zx.api("GET", base + "/earnings").then(function (body) { earnings = body; renderEarnings(); })
      .catch(function (error) { $("earnings-notice").textContent = error.message; $("earnings-notice").hidden = false; });
  }

  // ---- statement ---------------------------------------------------------------------------
  function dayStart(value, plusDays) {
    if (!value) return null;
    var d = new Date(value + "T00:00:00");
    d.setDate(d.getDate() + (plusDays || 0));
    return d.toISOString();
  }

  function statementQuery() {
    var params = new URLSearchParams();
    var since = dayStart($("st-from").value), until = dayStart($("st-until").value, 1);
    if (since) params.set("since", since);
    if (until) params.set("until", until);
    return params;
  }

  var ST_ROWS = [["st_opening", "opening_owed_minor"], ["st_accrued", "accrued_minor"], ["st_reversed", "reversed_minor"],
    ["st_bonus", "pk_bonus_minor"], ["st_paid_out", "paid_out_minor"], ["st_closing", "closing_owed_minor"]];

  function renderStatement() {
    if (!statement) return;
    var holder = $("statement");
    holder.replaceChildren();
    statement.currencies.forEach(function (c) {
      var dl = el("dl", "facts statement-facts");
      dl.dataset.currency = c.currency;
      ST_ROWS.forEach(function (pair) {
        var dd = el("dd", "num", zx.money(c[pair[1]], c.currency));
        dd.dataset.field = pair[1];
        dl.append(el("dt", "", zx.t(pair[0])), dd);
      });
      dl.append(el("dt", "", zx.t("st_ties_out")), el("dd", "", c.ties_out ? "✓" : "✗"));
      holder.append(dl);
    });
    holder.append(el("p", "muted", statement.lines.length ? zx.t("st_lines", { n: statement.lines.length }) : zx.t("st_no_lines")));
    var accruals = statement.lines.filter(function (l) { return l.reason === "commission_accrued" && l.release_on; });
    if (accruals.length) holder.append(accrualTable(accruals));
  }

  // How each accrual is released: on a date (the brand's hold days) or on the order's completion.
  function releaseText(line) {
    if (line.release_on === "days") return zx.t("rel_days", { when: day(line.releases_at) });
    return line.completed_at ? zx.t("rel_completed", { when: day(line.completed_at) }) : zx.t("rel_on_completion");
  }

  function accrualTable(lines) {
    var body = el("tbody");
    lines.forEach(function (line) {
      var tr = el("tr");
      tr.dataset.order = line.external_ref;
      tr.dataset.releaseOn = line.release_on;
      tr.append(el("td", "", day(line.effective_at)), el("td", "", line.external_ref),
        el("td", "num", zx.money(line.amount_minor, line.currency)), el("td", "release", releaseText(line)));
      body.append(tr);
    });
    var head = el("tr");
    ["st_date", "st_order", "st_amount", "st_release"].forEach(function (k) { head.append(el("th", "", zx.t(k))); });
    var thead = el("thead");
    thead.append(head);
    var table = el("table", "plain-table accrual-lines");
    table.append(el("caption", "", zx.t("st_accruals")), thead, body);
    return table;
  }

  function loadStatement(event) {
    if (event) event.preventDefault();
    var params = statementQuery();
    $("statement-error").textContent = "";
    if (params.get("since") && params.get("until") && params.get("since") >= params.get("until")) {
      $("statement-error").textContent = zx.t("bad_range");
      return;
    }
    var query = params.toString() ? "?" + params.toString() : "";
    $("statement-csv").href = base + "/statement.csv" + query;
    zx.api("GET", base + "/statement" + query).then(function (body) { statement = body; renderStatement(); })
      .catch(function (error) { $("statement-error").textContent = error.message; });
  }

  // A period with more lines than one request streams (the server says how many) is exported by a
  // background job, as the direct link would be refused: start it, follow it, then download the file.
  var DIRECT_CSV_LINES = Number(root.dataset.directCsvLines || 20000);

  function downloadStatement(event) {
    if (!statement || statement.lines.length <= DIRECT_CSV_LINES) return;
    event.preventDefault();
    var params = statementQuery(), status = $("statement-export");
    var body = { since: params.get("since") || null, until: params.get("until") || null };
    zx.api("POST", base + "/statement-exports", body).then(function follow(job) {
      if (job.state === "running") {
        status.textContent = zx.t("export_running", { done: zx.number(job.lines_done), total: zx.number(job.lines_expected) });
        setTimeout(function () { zx.api("GET", base + "/statement-exports/" + job.id).then(follow, stopped); }, 1000);
      } else if (job.state === "finished") {
        status.textContent = zx.t("export_ready");
        location.href = job.file_url;
      } else {
        stopped({ message: job.error || job.state });
      }
    }, stopped);

    function stopped(error) { status.textContent = zx.t("export_stopped", { error: error.message }); }
  }

  // ---- links -------------------------------------------------------------------------------
  function showTarget() {
    var target = $("link-target").value;
    document.querySelectorAll("#link-form [data-for]").forEach(function (label) { label.hidden = label.dataset.for !== target; });
  }

  function createLink(event) {
    event.preventDefault();
    var target = $("link-target").value, body = { target: target };
    var field = { session: ["session_id", "link-session"], sku: ["sku_id", "link-sku"], storefront: ["brand_id", "link-brand"] }[target];
    body[field[0]] = $(field[1]).value;
    if ($("link-label").value.trim()) body.label = $("link-label").value.trim();
    $("link-error").textContent = "";
    $("link-create").disabled = true;
    zx.api("POST", base + "/links", body).then(function () {
      location.hash = "#links";
      location.reload();
    }).catch(function (error) {
      $("link-error").textContent = error.message;
      $("link-create").disabled = false;
    });
  }

  function copy(button) {
    var label = button.dataset.i18n;
    var done = function (key) {
      button.textContent = zx.t(key);
      setTimeout(function () { button.textContent = zx.t(label); }, 1500);
    };
    if (!navigator.clipboard) { done("copy_failed"); return; }
    navigator.clipboard.writeText(button.dataset.clip).then(function () { done("copied"); }, function () { done("copy_failed"); });
  }

  // ---- customers ---------------------------------------------------------------------------
  function binding(c) {
    if (!c.binding_expires_at) return zx.t("bound_forever");
    return zx.t(c.binding_active ? "bound_until" : "binding_lapsed", { when: day(c.binding_expires_at) });
  }

  function renderCustomers() {
    if (!customers) return;
    var list = $("customer-list");
    list.replaceChildren();
    customers.forEach(function (c) {
      var li = el("li", "customer" + (c.binding_active ? "" : " lapsed"));
      li.dataset.tag = c.tag;
      var head = el("div", "customer-head");
      head.append(el("b", "tag", c.tag), el("small", "muted", c.brand_name));
      li.append(head,
        el("span", "customer-orders", zx.t("customer_orders", { n: zx.number(c.orders), gmv: zx.money(c.gmv_minor, c.currency) })),
        el("small", "muted", zx.t("customer_dates", { first: day(c.first_order_at), last: day(c.last_order_at) })),
        el("small", "binding", binding(c)));
      list.append(li);
    });
    if (!customers.length) list.append(el("li", "muted", zx.t("no_customers")));
    $("customers-more").hidden = !customersNext;
    $("customers-count").textContent = customers.length ? zx.t("customers_shown", { n: zx.number(customers.length) }) : "";
  }

  // A page at a time (the API's {items, next_cursor}); "More" asks for the page after the last one shown.
  function loadCustomers(more) {
    var url = base + "/customers" + (more && customersNext ? "?cursor=" + encodeURIComponent(customersNext) : "");
    $("customers-more").disabled = true;
    return zx.api("GET", url).then(function (page) {
      customers = (more && customers ? customers : []).concat(page.items);
      customersNext = page.next_cursor;
      renderCustomers();
    }).catch(function (error) { $("customers-error").textContent = error.message; })
      .then(function () { $("customers-more").disabled = false; });
  }

  // ---- wiring ------------------------------------------------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.clip");
    if (button) copy(button);
  });
  if ($("link-form")) {
    $("link-target").addEventListener("change", showTarget);
    $("link-form").addEventListener("submit", createLink);
    showTarget();
  }
  $("statement-form").addEventListener("submit", loadStatement);
  $("customers-more").addEventListener("click", function () { loadCustomers(true); });
  $("statement-csv").addEventListener("click", downloadStatement);
  document.addEventListener("zx:lang", function () { renderEarnings(); renderStatement(); renderCustomers(); });
  loadEarnings();
  loadCustomers();
})();
