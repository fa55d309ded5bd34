// The buyer's order after payment (/orders/{id}; the visitor cookie proves whose): state, parcels
// with tracking, "I received it", and the after-sales request with reason and quantities.
(function () {
  "use strict";
  var root = document.getElementById("buyer-order");
  if (!root) return;
  var orderId = root.dataset.order, $ = function (id) { return document.getElementById(id); };
  var api = "/api/v1/checkout/orders/" + encodeURIComponent(orderId);
  var current = null;

  zx.strings({
    en: {
      b_order: "Your order", b_lines: "Items", b_parcels: "Parcels", b_no_parcels: "Not shipped yet.",
      b_confirm: "I received it", b_aftersales: "After-sales", b_request: "Request a refund or return",
      b_kind: "What do you need?", b_kind_return: "Return and refund",
      b_kind_refund: "Refund only (not shipped or not received)", b_reason: "Reason", b_send: "Send the request",
      b_qty: "{title}: units", b_not_found: "No such order in this browser. Open it from the browser you paid in.",
      b_sent: "Request sent. If the brand has not answered by {when}, it is approved.", b_received: "Thank you! Marked as received.",
      b_parcel: "{carrier} · {number} · {units} unit(s) · {when}", b_none: "No request.",
      b_request_line: "{kind} · {amount} · {state}", b_return_to: "Send the goods to: {address}",
      b_refused_because: "Refused: {reason}", b_next_delivery: "Marked received automatically on {when}.",
      b_next_completion: "Returns are open until {when}.", b_kind_name_return_refund: "Return and refund",
      b_kind_name_refund_only: "Refund only",
      f_unshipped: "paid, not shipped yet", f_partially_shipped: "partly shipped", f_shipped: "shipped",
      f_delivered: "delivered", f_completed: "completed", f_refunded: "refunded",
      a_requested: "waiting for the brand", a_approved: "approved", a_refused: "refused", a_refunded: "refunded",
    },
    zh: {
      b_order: "我的订单", b_lines: "商品", b_parcels: "包裹", b_no_parcels: "尚未发货。",
      b_confirm: "确认收货", b_aftersales: "售后", b_request: "申请退款/退货",
      b_kind: "需要什么服务？", b_kind_return: "退货退款", b_kind_refund: "仅退款（未发货或未收到）",
      b_reason: "原因", b_send: "提交申请", b_qty: "{title}：数量",
      b_not_found: "此浏览器中没有这个订单。请在付款时使用的浏览器中打开。",
      b_sent: "申请已提交。商家如在 {when} 前未处理，将自动同意。", b_received: "谢谢！已确认收货。",
      b_parcel: "{carrier} · {number} · {units} 件 · {when}", b_none: "暂无申请。",
      b_request_line: "{kind} · {amount} · {state}", b_return_to: "请将商品寄回：{address}",
      b_refused_because: "已拒绝：{reason}", b_next_delivery: "将于 {when} 自动确认收货。",
      b_next_completion: "退货申请开放至 {when}。", b_kind_name_return_refund: "退货退款",
      b_kind_name_refund_only: "仅退款",
      f_unshipped: "已付款，待发货", f_partially_shipped: "部分发货", f_shipped: "已发货",
      f_delivered: "已收货", f_completed: "已完成", f_refunded: "已退款",
      a_requested: "等待商家处理", a_approved: "已同意", a_refused: "已拒绝", a_refunded: "已退款",
    },
  });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function money(minor) { return zx.money(minor, current.currency); }
  function notice(text, ok) { zx.notice($("b-notice"), text, { ok: ok }); }
  function fill(id, items, render) {
    $(id).textContent = "";
    items.forEach(function (item, i) { $(id).appendChild(render(item, i)); });
  }

  function stateText(o) {
    return o.state === "refunded" ? zx.t("f_refunded") : zx.t("f_" + o.fulfilment);
  }
  function nextText(o) {
    if (!o.next_step_due_at) return "";
    var key = o.fulfilment === "shipped" ? "b_next_delivery" : o.fulfilment === "delivered" ? "b_next_completion" : "";
    return key ? zx.t(key, { when: zx.when(o.next_step_due_at) }) : "";
  }
  function parcelItem(p) {
    var units = p.lines.reduce(function (n, l) { return n + l.quantity; }, 0);
    return el("li", "", zx.t("b_parcel", { carrier: p.carrier, number: p.tracking_number, units: units, when: zx.when(p.shipped_at) }));
  }
  function aftersaleItem(a) {
    var li = el("li", "aftersale aftersale-" + a.state, zx.t("b_request_line", {
      kind: zx.t("b_kind_name_" + a.kind), amount: money(a.amount_minor), state: zx.t("a_" + a.state),
    }));
    if (a.return_address && a.state === "approved") li.appendChild(el("p", "", zx.t("b_return_to", { address: a.return_address })));
    if (a.refusal_reason) li.appendChild(el("p", "", zx.t("b_refused_because", { reason: a.refusal_reason })));
    return li;
  }
  function quantityField(line, i) {
    var label = el("label");
    label.appendChild(el("span", "", zx.t("b_qty", { title: line.title })));
    var input = el("input");
    input.type = "number"; input.min = "0"; input.max = String(line.quantity); input.value = i === 0 ? "1" : "0";
    input.dataset.line = line.id;
    label.appendChild(input);
    return label;
  }

  function show(o) {
    current = o;
    $("b-body").hidden = false;
    $("b-state").textContent = stateText(o);
    $("b-state").className = "state state-" + o.fulfilment;
    $("b-amount").textContent = money(o.amount_minor);
    $("b-next").textContent = nextText(o);
    fill("b-lines", o.lines, function (l) { return el("li", "", l.title + " × " + l.quantity + " · " + money(l.amount_minor)); });
    fill("b-parcels", o.parcels, parcelItem);
    $("b-no-parcels").hidden = o.parcels.length > 0;
    fill("b-aftersales", o.aftersales, aftersaleItem);
    if (!o.aftersales.length) $("b-aftersales").appendChild(el("li", "muted", zx.t("b_none")));
    $("b-confirm").hidden = !o.can_confirm_delivery;
    $("b-open-request").hidden = !o.can_request_aftersale || !$("b-request").hidden;
    if (!o.can_request_aftersale) $("b-request").hidden = true;
    fill("b-request-lines", o.lines, quantityField);
  }

  function load() {
    return zx.api("GET", api + "/fulfilment").then(show).catch(function (error) {
      notice(error.status === 404 ? zx.t("b_not_found") : error.message, false);
    });
  }

  $("b-confirm").addEventListener("click", function () {
    zx.api("POST", api + "/delivery").then(function (o) { show(o); notice(zx.t("b_received"), true); })
      .catch(function (error) { notice(error.message, false); });
  });
  $("b-open-request").addEventListener("click", function () {
    $("b-request").hidden = false;
    $("b-open-request").hidden = true;
    $("b-reason").focus();
  });
  $("b-request").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = $("b-request");
    zx.clearErrors(form);
    var lines = [];
    form.querySelectorAll("input[data-line]").forEach(function (input) {
      var q = parseInt(input.value, 10);
      if (q > 0) lines.push({ line_id: input.dataset.line, quantity: q });
    });
    var body = { kind: form.kind.value, reason: $("b-reason").value, lines: lines };
    zx.api("POST", api + "/aftersales", body).then(function (a) {
      form.hidden = true;
      notice(zx.t("b_sent", { when: zx.when(a.auto_approve_at) }), true);
      return load();
    }).catch(function (error) { zx.showErrors(form, error); });
  });
  document.addEventListener("zx:lang", function () { if (current) show(current); });
  load();
})();
