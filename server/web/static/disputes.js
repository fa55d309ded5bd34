// Open disputes: read the JSON API named by #disputes[data-api] (`{items, next_cursor}`, cookie
// auth) and show each as a card with its evidence deadline, amount, order and frozen commission.
(function () {
  "use strict";
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
    var when = due.toISOString().slice(0, 16).replace("T", " ") + " UTC";
    if (days < 0) return { text: when + " · past due · 已逾期", cls: "is-past-due" };
    var left = days + " days left · 剩 " + days + " 天";
    return { text: when + " · " + left, cls: days < 3 ? "is-due-soon" : "" };
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
    row(dl, "Evidence due · 举证截止", due.text).className = "dispute-due";
    row(dl, "Order · 订单", d.order_id || "—").className = "dispute-order";
    row(dl, "Frozen commission · 冻结佣金", zx.money(d.frozen_minor, d.currency)).className = "dispute-frozen";
    row(dl, "Partner · 渠道商", d.partner_id || "—");
    row(dl, "Reason · 原因", d.stripe_reason || "—");
    row(dl, "Dispute · 争议", d.stripe_dispute_id);
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
        error.textContent = "Disputes could not be loaded · 争议加载失败: " + err.message;
        error.hidden = false;
        count.textContent = "?";
      });
  }

  more.addEventListener("click", function () { load(more.dataset.cursor); });
  load(null);
})();
