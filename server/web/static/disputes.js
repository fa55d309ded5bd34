// Open disputes: read the JSON API named by #disputes[data-api] (`{items, next_cursor}`, cookie
// auth) and show each as a card with its evidence deadline, amount, order and frozen commission.
(function () {
  "use strict";
  zx.strings({
    en: {
      dp_title: "Open disputes", dp_none: "No open disputes.", dp_more: "More",
      dp_help: "A disputed order's commission is frozen until Stripe decides: won, it comes back; lost, it is reversed and the fee is the brand's.",
      dp_past_due: "{when} · past due", dp_days_left: "{when} · {days} days left", dp_due: "Evidence due", dp_order: "Order",
      dp_frozen: "Frozen commission", dp_partner: "Partner", dp_reason: "Reason", dp_dispute: "Dispute",
      dp_failed: "Disputes could not be loaded: {reason}",
    },
    zh: {
      dp_title: "未结争议", dp_none: "没有未结争议。", dp_more: "更多",
      dp_help: "争议订单的佣金在 Stripe 裁决前冻结：胜诉则恢复，败诉则冲回，争议费由品牌承担。",
      dp_past_due: "{when} · 已逾期", dp_days_left: "{when} · 剩 {days} 天", dp_due: "举证截止", dp_order: "订单",
      dp_frozen: "冻结佣金", dp_partner: "渠道商", dp_reason: "原因", dp_dispute: "争议",
      dp_failed: "争议加载失败：{reason}",
    },
  });
  var panel = document.getElementById("disputes");
  if (!panel) return;
  var list = document.getElementById("dispute-list");
  var count = document.getElementById("disputes-count");
  var more = document.getElementById("disputes-more");
  var none = document.getElementById("no-disputes");
  var error = document.getElementById("disputes-error");
  var DAY_MS = 86400000;
  var shown = 0;

  function deadline(dueBy) {
    if (!dueBy) return { text: "—", cls: "" };
    var due = new Date(dueBy);
    var days = Math.floor((due.getTime() - Date.now()) / DAY_MS);
    var when = zx.when(dueBy);
    if (days < 0) return { text: zx.t("dp_past_due", { when: when }), cls: "is-past-due" };
    return { text: zx.t("dp_days_left", { when: when, days: zx.number(days) }), cls: days < 3 ? "is-due-soon" : "" };
  }

  function row(dl, label, value) {
    var dt = document.createElement("dt");
    dt.textContent = label;
    var dd = document.createElement("dd");
    dd.textContent = value;
    dl.appendChild(dt);
    dl.appendChild(dd);
    return dd;
  }

  function card(d) {
    var li = document.createElement("li");
    var due = deadline(d.due_by);
    li.className = "dispute " + due.cls;
    li.dataset.dispute = d.stripe_dispute_id;
    var head = document.createElement("div");
    head.className = "dispute-head";
    var amount = document.createElement("span");
    amount.className = "dispute-amount";
    amount.textContent = zx.money(d.amount_minor, d.currency);
    var status = document.createElement("span");
    status.className = "badge";
    status.textContent = d.stripe_status;
    head.appendChild(amount);
    head.appendChild(status);
    li.appendChild(head);
    var dl = document.createElement("dl");
    row(dl, zx.t("dp_due"), due.text).className = "dispute-due";
    row(dl, zx.t("dp_order"), d.order_id || "—").className = "dispute-order";
    row(dl, zx.t("dp_frozen"), zx.money(d.frozen_minor, d.currency)).className = "dispute-frozen";
    row(dl, zx.t("dp_partner"), d.partner_id || "—");
    row(dl, zx.t("dp_reason"), d.stripe_reason || "—");  // Stripe's code (fraudulent, duplicate, …)
    row(dl, zx.t("dp_dispute"), d.stripe_dispute_id);
    li.appendChild(dl);
    if (d.problem) {
      var p = document.createElement("p");
      p.className = "dispute-problem";
      p.textContent = d.problem;
      li.appendChild(p);
    }
    return li;
  }

  function load(cursor) {
    var url = panel.dataset.api + "?status=open&limit=50" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    return zx.api("GET", url)
      .then(function (page) {
        page.items.forEach(function (d) { list.appendChild(card(d)); });
        shown += page.items.length;
        count.textContent = String(shown) + (page.next_cursor ? "+" : "");
        none.hidden = shown > 0;
        more.hidden = !page.next_cursor;
        more.dataset.cursor = page.next_cursor || "";
      })
      .catch(function (err) {
        error.textContent = zx.t("dp_failed", { reason: err.message });
        error.hidden = false;
        count.textContent = "?";
      });
  }

  more.addEventListener("click", function () { load(more.dataset.cursor); });
  // The other language chosen: the cards are written again in it (from the first page).
  document.addEventListener("zx:lang", function () { list.replaceChildren(); shown = 0; load(null); });
  load(null);
})();
