// The console order page's shipping and after-sales panel: ship a parcel (carrier, tracking
// number: every unit left), and decide the buyer's after-sales requests — approve (a return with
// the address to send it to), refuse with a reason, confirm a return's receipt (which refunds it).
(function () {
  "use strict";
  var root = document.getElementById("order-page");
  if (!root || !document.getElementById("fulfilment")) return;
  var orderId = root.dataset.order, $ = function (id) { return document.getElementById(id); };
  var current = null;

  zx.strings({
    en: {
      f_title: "Shipping and after-sales", f_state: "Fulfilment", f_carrier: "Carrier", f_tracking: "Tracking number",
      f_ship: "Ship every unit left", f_aftersales: "After-sales requests", f_shipped_ok: "Shipped.",
      f_parcel: "{carrier} · {number} · {units} unit(s) · {when}", f_none: "No request.",
      f_request: "{kind} · {units} unit(s) · {amount} · {state} — “{reason}”", f_approve: "Approve",
      f_refuse: "Refuse", f_received: "Goods received: refund", f_return_address: "Return address",
      f_refuse_reason: "Reason to refuse", f_done: "Done: the request is now {state}.",
      f_due: "next automatic step {when}", f_kind_return_refund: "Return and refund", f_kind_refund_only: "Refund only",
      f_unshipped: "not shipped", f_partially_shipped: "partly shipped", f_shipped: "shipped",
      f_delivered: "delivered", f_completed: "completed",
      a_requested: "waiting for you", a_approved: "approved", a_refused: "refused", a_refunded: "refunded",
    },
    zh: {
      f_title: "发货与售后", f_state: "履约状态", f_carrier: "快递公司", f_tracking: "运单号",
      f_ship: "发出剩余全部商品", f_aftersales: "售后申请", f_shipped_ok: "已发货。",
      f_parcel: "{carrier} · {number} · {units} 件 · {when}", f_none: "暂无申请。",
      f_request: "{kind} · {units} 件 · {amount} · {state} —“{reason}”", f_approve: "同意",
      f_refuse: "拒绝", f_received: "已收到退货：退款", f_return_address: "退货地址",
      f_refuse_reason: "拒绝原因", f_done: "已处理：申请现为{state}。",
      f_due: "下一步自动处理时间 {when}", f_kind_return_refund: "退货退款", f_kind_refund_only: "仅退款",
      f_unshipped: "未发货", f_partially_shipped: "部分发货", f_shipped: "已发货",
      f_delivered: "已收货", f_completed: "已完成",
      a_requested: "待处理", a_approved: "已同意", a_refused: "已拒绝", a_refunded: "已退款",
    },
  });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function units(lines) { return lines.reduce(function (n, l) { return n + l.quantity; }, 0); }
  function notice(text, ok) { zx.notice($("notice"), text, { ok: ok }); }

  function field(labelKey, id) {
    var label = el("label");
    label.appendChild(el("span", "", zx.t(labelKey)));
    var input = el("input");
    input.id = id; input.maxLength = 300;
    label.appendChild(input);
    return label;
  }
  function button(key, onClick) {
    var b = el("button", "", zx.t(key));
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function act(url, body) {
    return zx.api("POST", url, body).then(function (a) {
      notice(zx.t("f_done", { state: zx.t("a_" + a.state) }), true);
      return load();
    }).catch(function (error) { notice(error.message, false); });
  }
  function actions(a) {
    var box = el("div", "aftersale-actions"), url = "/api/v1/aftersales/" + encodeURIComponent(a.id);
    if (a.state === "requested") {
      var addressId = "addr-" + a.id, reasonId = "why-" + a.id;
      if (a.kind === "return_refund") box.appendChild(field("f_return_address", addressId));
      box.appendChild(button("f_approve", function () {
        var address = $(addressId) ? $(addressId).value.trim() : "";
        act(url + "/decision", address ? { decision: "approve", return_address: address } : { decision: "approve" });
      }));
      box.appendChild(field("f_refuse_reason", reasonId));
      box.appendChild(button("f_refuse", function () { act(url + "/decision", { decision: "refuse", reason: $(reasonId).value }); }));
    } else if (a.state === "approved" && a.kind === "return_refund" && !a.received_at) {
      box.appendChild(button("f_received", function () { act(url + "/received"); }));
    }
    return box;
  }
  function requestItem(a) {
    var li = el("li", "aftersale aftersale-" + a.state, zx.t("f_request", {
      kind: zx.t("f_kind_" + a.kind), units: units(a.lines), amount: zx.money(a.amount_minor, a.currency),
      state: zx.t("a_" + a.state), reason: a.reason,
    }));
    li.appendChild(actions(a));
    return li;
  }

  function show(f) {
    current = f;
    $("f-state").textContent = zx.t("f_" + f.fulfilment);
    $("f-next").textContent = f.next_step_due_at ? zx.t("f_due", { when: zx.when(f.next_step_due_at) }) : "";
    $("f-parcels").textContent = "";
    f.parcels.forEach(function (p) {
      $("f-parcels").appendChild(el("li", "", zx.t("f_parcel", { carrier: p.carrier, number: p.tracking_number, units: units(p.lines), when: zx.when(p.shipped_at) })));
    });
    var paid = f.state === "paid" || f.state === "partially_refunded";
    $("ship-form").hidden = !(paid && (f.fulfilment === "unshipped" || f.fulfilment === "partially_shipped"));
    $("f-aftersales").textContent = "";
    f.aftersales.forEach(function (a) { $("f-aftersales").appendChild(requestItem(a)); });
    if (!f.aftersales.length) $("f-aftersales").appendChild(el("li", "muted", zx.t("f_none")));
  }
  function load() {
    return zx.api("GET", "/api/v1/orders/" + encodeURIComponent(orderId) + "/fulfilment").then(show)
      .catch(function (error) { notice(error.message, false); });
  }

  $("ship-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = $("ship-form");
    zx.clearErrors(form);
    var body = { carrier: $("ship-carrier").value, tracking_number: $("ship-tracking").value };
    zx.api("POST", "/api/v1/orders/" + encodeURIComponent(orderId) + "/parcels", body).then(function () {
      form.reset();
      notice(zx.t("f_shipped_ok"), true);
      return load();
    }).catch(function (error) { zx.showErrors(form, error); });
  });
  document.addEventListener("zx:lang", function () { if (current) show(current); });
  load();
})();
