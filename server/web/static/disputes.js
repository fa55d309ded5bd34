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
      dp_problem_no_order: "No order matches this charge: nothing is frozen.",
      dp_problem_unmatched: "Not matched to the order's commission (none accrued yet, or another currency): nothing is frozen.",
      dp_problem_too_large: "The disputed amount is more than what is left of the order.",
      // Stripe's dispute statuses and reasons (its codes, shown in words)
      dp_st_needs_response: "Needs response", dp_st_under_review: "Under review", dp_st_won: "Won", dp_st_lost: "Lost",
      dp_st_warning_needs_response: "Inquiry: needs response", dp_st_warning_under_review: "Inquiry: under review",
      dp_st_warning_closed: "Inquiry closed", dp_st_charge_refunded: "Charge refunded",
      dp_rs_fraudulent: "Fraudulent", dp_rs_duplicate: "Duplicate", dp_rs_general: "General",
      dp_rs_product_not_received: "Product not received", dp_rs_product_unacceptable: "Product unacceptable",
      dp_rs_subscription_canceled: "Subscription canceled", dp_rs_unrecognized: "Unrecognized",
      dp_rs_credit_not_processed: "Credit not processed", dp_rs_customer_initiated: "Customer initiated",
      dp_rs_bank_cannot_process: "Bank cannot process", dp_rs_debit_not_authorized: "Debit not authorized",
      dp_rs_incorrect_account_details: "Incorrect account details", dp_rs_insufficient_funds: "Insufficient funds",
      dp_rs_check_returned: "Check returned",
    },
    zh: {
      dp_title: "未结争议", dp_none: "没有未结争议。", dp_more: "更多",
      dp_help: "争议订单的佣金在 Stripe 裁决前冻结：胜诉则恢复，败诉则冲回，争议费由品牌承担。",
      dp_past_due: "{when} · 已逾期", dp_days_left: "{when} · 剩 {days} 天", dp_due: "举证截止", dp_order: "订单",
      dp_frozen: "冻结佣金", dp_partner: "渠道商", dp_reason: "原因", dp_dispute: "争议",
      dp_failed: "争议加载失败：{reason}",
      dp_problem_no_order: "没有订单对应这笔扣款：未冻结任何佣金。",
      dp_problem_unmatched: "未能对应到订单佣金（尚未计提或币种不同）：未冻结任何佣金。",
      dp_problem_too_large: "争议金额超过订单剩余金额。",
      dp_st_needs_response: "待回应", dp_st_under_review: "审核中", dp_st_won: "胜诉", dp_st_lost: "败诉",
      dp_st_warning_needs_response: "询问：待回应", dp_st_warning_under_review: "询问：审核中",
      dp_st_warning_closed: "询问已结束", dp_st_charge_refunded: "已退款",
      dp_rs_fraudulent: "欺诈", dp_rs_duplicate: "重复扣款", dp_rs_general: "一般",
      dp_rs_product_not_received: "未收到商品", dp_rs_product_unacceptable: "商品不符",
      dp_rs_subscription_canceled: "订阅已取消", dp_rs_unrecognized: "无法识别的扣款",
      dp_rs_credit_not_processed: "退款未处理", dp_rs_customer_initiated: "客户发起",
      dp_rs_bank_cannot_process: "银行无法处理", dp_rs_debit_not_authorized: "扣款未授权",
      dp_rs_incorrect_account_details: "账户信息有误", dp_rs_insufficient_funds: "余额不足",
      dp_rs_check_returned: "支票退回",
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

  // A Stripe code in the reader's words; a code this table does not know yet shows as itself.
  function code(prefix, value) {
    if (!value) return "—";
    var text = zx.t(prefix + value);
    return text === prefix + value ? value : text;
  }

  // The server's problem is an English sentence for the log; the card says which kind it is.
  function problemText(d) {
    if (d.phase === "unmatched") return zx.t(d.order_id ? "dp_problem_unmatched" : "dp_problem_no_order");
    return zx.t("dp_problem_too_large");
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
    status.textContent = code("dp_st_", d.stripe_status);
    status.dataset.status = d.stripe_status;
    head.appendChild(amount);
    head.appendChild(status);
    li.appendChild(head);
    var dl = document.createElement("dl");
    row(dl, zx.t("dp_due"), due.text).className = "dispute-due";
    row(dl, zx.t("dp_order"), d.order_id || "—").className = "dispute-order";
    row(dl, zx.t("dp_frozen"), zx.money(d.frozen_minor, d.currency)).className = "dispute-frozen";
    row(dl, zx.t("dp_partner"), d.partner_id || "—");
    row(dl, zx.t("dp_reason"), code("dp_rs_", d.stripe_reason));
    row(dl, zx.t("dp_dispute"), d.stripe_dispute_id);
    li.appendChild(dl);
    if (d.problem) {
      var p = document.createElement("p");
      p.className = "dispute-problem";
      p.textContent = problemText(d);
      p.dataset.problem = d.problem;  // the server's detail stays in the DOM for support, not on screen
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
