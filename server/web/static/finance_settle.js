// Settling from the finance desk: Preview shows the plan the run will execute (each partner paid
// how much, or skipped and why) — computed by the run's own code; Confirm starts the run as a
// background job bound to that plan (it stops if the balances changed meanwhile); the page follows
// the job's phase and progress to its result, and finds the latest job again after a reload.
(function () {
  "use strict";
  var desk = window.zxDesk;
  if (!desk || !document.getElementById("settle-panel")) return;
  var $ = function (id) { return document.getElementById(id); };
  var el = desk.el, row = desk.row, partner = desk.partner;
  var plan = null, polling = null, POLL_MS = 1000;

  function skipText(s) {
    // The server's code picks the words (finance_strings.js); its English `reason` is for the API and CSV only.
    var key = "skip_" + s.reason_code;
    var text = zx.t(key, { minimum: zx.money(s.minimum_payout_minor, s.currency), balance: zx.money(s.available_minor, s.currency) });
    return text === key ? zx.t("skip_other", { code: s.reason_code || "—" }) : text;
  }
  function outcome(kind, text) {
    var box = el("span", "outcome outcome-" + kind);
    box.appendChild(el("b", "", zx.t(kind === "pay" ? "pay" : kind === "skip" ? "skip" : "state_" + kind)));
    if (text) box.appendChild(el("span", "", " · " + text));
    return box;
  }
  function planRow(names, p, kind, text, amount) {
    var tr = row([
      { label: "partner", node: partner(p.partner_id, names[p.partner_id]) },
      { label: "amount", text: zx.money(amount, p.currency), num: true },
      { label: "outcome", node: outcome(kind, text) },
    ]);
    tr.dataset.partner = p.partner_id; tr.dataset.outcome = kind;
    if (p.reason_code) tr.dataset.reason = p.reason_code;
    return tr;
  }
  function totals(list) {
    return list.map(function (t) { return zx.money(t.amount_minor, t.currency); }).join(" + ") || "—";
  }

  // ---- preview -------------------------------------------------------------------------------
  function showPlan(p) {
    plan = p;
    var names = p.partner_names, rows = [];
    p.payouts.forEach(function (x) { rows.push(planRow(names, x, "pay", "", x.amount_minor)); });
    p.skipped.forEach(function (x) { rows.push(planRow(names, x, "skip", skipText(x), x.available_minor)); });
    desk.fill("plan-rows", "plan-empty", rows);
    var summary = zx.t("plan_summary", { n: p.payouts.length, total: totals(p.totals), skipped: p.skipped.length, releasing: zx.number(p.releasing_orders) });
    if (p.resends.length) summary += " " + zx.t("plan_resends", { n: p.resends.length });
    $("plan-summary").textContent = summary;
    $("plan-csv").href = "/api/v1/finance/settlement-preview.csv" + desk.qs({ as_of: p.as_of, brand_id: p.brand_id });
    $("plan-confirm").textContent = zx.t(p.payouts.length || p.resends.length ? "confirm_pay" : "confirm_nothing");
    $("plan").hidden = false;
    $("plan-confirm").focus();
  }
  function preview() {
    $("preview-btn").disabled = true;
    desk.notice("");
    zx.api("GET", "/api/v1/finance/settlement-preview" + desk.qs({ brand_id: desk.filters().brand_id }))
      .then(showPlan)
      .catch(function (e) { desk.notice(e.message); })
      .then(function () { $("preview-btn").disabled = false; });
  }
  function confirm() {
    if (!plan) return;
    $("plan-confirm").disabled = true;
    var body = { as_of: plan.as_of, brand_id: plan.brand_id, expected_plan: plan.fingerprint };
    zx.api("POST", "/api/v1/finance/settlement-jobs", body).then(function (job) {
      desk.notice(zx.t("job_started"));
      follow(job);
    }).catch(function (e) {
      if (e.status === 409 && e.problem && e.problem.job_id) {
        desk.notice(zx.t("already_running"));
        return load(e.problem.job_id);
      }
      desk.notice(e.message);
    }).then(function () { $("plan-confirm").disabled = false; $("plan").hidden = true; plan = null; });
  }

  // ---- the job -------------------------------------------------------------------------------
  function statusText(job) {
    if (job.state === "failed") return zx.t("job_failed", { error: job.error || "" });
    if (job.state === "interrupted") return zx.t("job_interrupted", { error: job.error || "" });
    if (job.state === "incomplete") return zx.t("job_incomplete");
    return zx.t("phase_" + job.phase, { done: job.progress_done, total: job.progress_total });
  }
  function resultRows(job) {
    var r = job.result, names = job.partner_names, rows = [];
    r.payouts.forEach(function (p) {
      var ok = !!p.transfer_id;
      rows.push(planRow(names, p, ok ? "paid" : "failed", ok ? p.transfer_id : zx.t("refused", { reason: p.failure_reason || "" }), p.amount_minor));
    });
    r.still_in_flight.forEach(function (p) { rows.push(planRow(names, p, "in_flight", zx.t("still_flying"), p.amount_minor)); });
    r.skipped.forEach(function (s) { rows.push(planRow(names, s, "skip", skipText(s), s.available_minor)); });
    return rows;
  }
  function summary(job) {
    var r = job.result, sums = {};
    r.payouts.filter(function (p) { return p.transfer_id; }).forEach(function (p) { sums[p.currency] = (sums[p.currency] || 0) + p.amount_minor; });
    var total = Object.keys(sums).sort().map(function (c) { return { currency: c, amount_minor: sums[c] }; });
    return zx.t("job_summary", {
      run: r.run_id, as_of: zx.when(r.as_of), paid: r.payouts.filter(function (p) { return p.transfer_id; }).length,
      total: totals(total), failed: r.payouts.filter(function (p) { return !p.transfer_id; }).length,
      skipped: r.skipped.length, flying: r.still_in_flight.length,
    });
  }
  function render(job) {
    $("job").hidden = false;
    $("job").dataset.job = job.id; $("job").dataset.state = job.state;
    $("job-id").textContent = job.id;
    $("job-state").textContent = zx.t("state_" + job.state);
    $("job-state").className = "state state-" + job.state;
    $("job-progress").max = Math.max(job.progress_total, 1);
    $("job-progress").value = job.state === "running" ? job.progress_done : Math.max(job.progress_total, 1);
    $("job-status").textContent = statusText(job);
    $("job-result").hidden = !job.result;
    if (job.result) {
      $("job-summary").textContent = summary(job);
      desk.fill("job-rows", "job-empty", resultRows(job));
    }
  }
  function follow(job) {
    render(job);
    clearTimeout(polling);
    if (job.state === "running") {
      polling = setTimeout(function () { load(job.id); }, POLL_MS);
    } else if (follow.watching === job.id) {
      document.dispatchEvent(new CustomEvent("zx:settled", { detail: job }));
    }
    follow.watching = job.state === "running" ? job.id : null;
  }
  function load(jobId) {
    return zx.api("GET", "/api/v1/finance/settlement-jobs/" + encodeURIComponent(jobId)).then(follow).catch(function (e) {
      desk.notice(e.message);
      polling = setTimeout(function () { load(jobId); }, POLL_MS * 3);
    });
  }
  function latest() {
    zx.api("GET", "/api/v1/finance/settlement-jobs?limit=1").then(function (page) {
      if (page.items.length) follow(page.items[0]);
    }).catch(function (e) { desk.notice(e.message); });
  }

  $("preview-btn").addEventListener("click", preview);
  $("plan-confirm").addEventListener("click", confirm);
  $("plan-cancel").addEventListener("click", function () { $("plan").hidden = true; plan = null; });
  document.addEventListener("zx:lang", function () {
    if (plan) showPlan(plan);
    if ($("job").dataset.job) load($("job").dataset.job);
  });
  latest();
})();
