// The brand's order webhooks (/api/v1/brands/{id}/webhooks): its endpoints (a disabled one says
// why, at the top), adding one (the secret shows once), rotating the secret, enabling, removing,
// and an endpoint's delivery log with a replay button per delivery.
(function () {
  "use strict";
  var root = document.getElementById("webhooks-page");
  if (!root) return;
  var f = zxForm, el = f.el, $ = function (id) { return document.getElementById(id); };
  var base = "/api/v1/brands/" + encodeURIComponent(root.dataset.brand) + "/webhooks";
  var form = $("endpoint-form"), shown = null, endpoints = [];

  zx.strings({
    en: {
      webhooks: "Webhooks", forbidden: "Webhooks are for brand and admin tokens.",
      pick_brand: "Open it as /console/webhooks?brand=brd_… (admin).",
      intro: "Your warehouse or ERP hears about orders as they happen: each event is POSTed to your endpoint, signed with its secret, retried for up to three days and sent in order for each order.",
      no_endpoints: "No endpoint yet.", add_endpoint: "Add an endpoint", url: "Endpoint URL", events: "Events",
      description: "Description (optional)", add: "Add", delivery_log: "Delivery log", event: "Event", about: "About",
      state: "State", status: "HTTP", latency: "Latency", answer: "Answer", last_try: "Last try", actions: "Actions",
      no_deliveries: "Nothing sent yet.", secret_once: "Signing secret (shown only now, copy it): {secret}",
      added: "Endpoint added.", pick_events: "Choose at least one event.", log: "Delivery log", rotate: "New secret",
      enable: "Enable", disable: "Disable", remove: "Remove", confirm_remove: "Remove this endpoint and its delivery log?",
      removed: "Endpoint removed.", replay: "Replay", replayed: "Sent again shortly.", enabled: "Endpoint enabled.",
      disabled_by: "Disabled.", by_brand: "you disabled it", by_failures: "{n} deliveries in a row failed",
      disabled_notice: "{url} is disabled: {reason}. Fix the receiver, then enable it: what waited is sent then.",
      secret_hint: "Secret", old_secret_until: "old secret also signs until {when}",
      st_active: "active", st_disabled: "disabled", st_pending: "waiting", st_sending: "sending", st_sent: "sent", st_failed: "failed",
      "ev_order.paid": "paid", "ev_order.refunded": "refunded", "ev_order.shipped": "shipped",
      "ev_order.delivered": "delivered", "ev_order.completed": "completed", "ev_aftersale.requested": "after-sales requested",
      "ev_aftersale.decided": "after-sales decided", "ev_payout.sent": "payout sent",
      "ev_session.live": "session live", "ev_session.ended": "session ended",
    },
    zh: {
      webhooks: "Webhook", forbidden: "Webhook 仅供品牌和管理员令牌使用。",
      pick_brand: "管理员请以 /console/webhooks?brand=brd_… 打开。",
      intro: "您的仓库或 ERP 实时获知订单动态：每个事件都会以签名的 POST 发送到您的地址，失败最多重试三天，同一订单的事件按发生顺序送达。",
      no_endpoints: "还没有接收地址。", add_endpoint: "添加接收地址", url: "接收地址", events: "事件",
      description: "备注（可选）", add: "添加", delivery_log: "投递记录", event: "事件", about: "对象",
      state: "状态", status: "HTTP", latency: "耗时", answer: "响应", last_try: "最近尝试", actions: "操作",
      no_deliveries: "还没有投递。", secret_once: "签名密钥（仅显示这一次，请复制）：{secret}",
      added: "接收地址已添加。", pick_events: "请至少选择一个事件。", log: "投递记录", rotate: "更换密钥",
      enable: "启用", disable: "停用", remove: "删除", confirm_remove: "删除该接收地址及其投递记录？",
      removed: "接收地址已删除。", replay: "重新发送", replayed: "即将重新发送。", enabled: "接收地址已启用。",
      disabled_by: "已停用。", by_brand: "您已手动停用", by_failures: "连续 {n} 次投递失败",
      disabled_notice: "{url} 已停用：{reason}。请修复接收端后重新启用，积压的事件届时发出。",
      secret_hint: "密钥", old_secret_until: "旧密钥同时签名至 {when}",
      st_active: "启用中", st_disabled: "已停用", st_pending: "等待中", st_sending: "发送中", st_sent: "已送达", st_failed: "失败",
      "ev_order.paid": "已支付", "ev_order.refunded": "已退款", "ev_order.shipped": "已发货",
      "ev_order.delivered": "已签收", "ev_order.completed": "已完成", "ev_aftersale.requested": "申请售后",
      "ev_aftersale.decided": "售后处理", "ev_payout.sent": "佣金已打款",
      "ev_session.live": "开播", "ev_session.ended": "下播",
    },
  });

  function button(text, onClick, secondary) {
    var b = el("button", "small" + (secondary ? " secondary" : ""), text);
    b.type = "button"; b.addEventListener("click", onClick);
    return b;
  }

  // ---- endpoints -------------------------------------------------------------------------------
  function endpointItem(e) {
    var li = el("li", "endpoint");
    var head = el("div", "endpoint-head");
    head.append(el("b", "endpoint-url", e.url), el("span", "state state-" + e.state, zx.t("st_" + e.state)));
    li.append(head, el("small", "muted", e.events.join(" · ")));
    var secret = zx.t("secret_hint") + ": " + e.secret_hint;
    if (e.previous_secret_until) secret += " (" + zx.t("old_secret_until", { when: zx.when(e.previous_secret_until) }) + ")";
    li.append(el("small", "muted", secret));
    var actions = el("div", "endpoint-actions");
    actions.append(
      button(zx.t("log"), function () { openLog(e); }),
      button(zx.t("rotate"), function () { rotate(e); }, true),
      button(zx.t(e.state === "active" ? "disable" : "enable"), function () { setEnabled(e, e.state !== "active"); }, true),
      button(zx.t("remove"), function () { remove(e); }, true)
    );
    li.append(actions);
    return li;
  }

  function showEndpoints(list) {
    endpoints = list;
    $("endpoint-list").replaceChildren.apply($("endpoint-list"), list.map(endpointItem));
    $("no-endpoints").hidden = list.length > 0;
    var notices = list.filter(function (e) { return e.state === "disabled"; }).map(function (e) {
      var reason = e.disabled_by === "brand" ? zx.t("by_brand") : zx.t("by_failures", { n: e.consecutive_failures });
      return el("p", "notice", zx.t("disabled_notice", { url: e.url, reason: reason }));
    });
    $("disabled-notices").replaceChildren.apply($("disabled-notices"), notices);
  }

  function load() {
    return zx.api("GET", base).then(function (page) {
      var list = page.items;
      showEndpoints(list);
      var again = shown && list.filter(function (e) { return e.id === shown.id; })[0];
      if (again || list.length) openLog(again || list[0]);
      else $("log").hidden = true;
    });
  }

  function showSecret(endpoint) {
    $("secret-once").hidden = !endpoint.secret;
    $("secret-once").textContent = endpoint.secret ? zx.t("secret_once", { secret: endpoint.secret }) : "";
  }

  function rotate(e) {
    zx.api("POST", base + "/" + e.id + "/secret", { overlap_hours: 24 })
      .then(function (endpoint) { showSecret(endpoint); $("secret-once").scrollIntoView({ block: "nearest" }); return load(); })
      .catch(function (error) { f.notice(error.message); });
  }

  function setEnabled(e, enabled) {
    zx.api("PATCH", base + "/" + e.id, { enabled: enabled })
      .then(function () { f.notice(zx.t(enabled ? "enabled" : "disabled_by"), true); return load(); })
      .catch(function (error) { f.notice(error.message); });
  }

  function remove(e) {
    if (!confirm(zx.t("confirm_remove"))) return;
    zx.api("DELETE", base + "/" + e.id)
      .then(function () { if (shown && shown.id === e.id) shown = null; f.notice(zx.t("removed"), true); return load(); })
      .catch(function (error) { f.notice(error.message); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault(); f.clearErrors(form);
    var chosen = Array.prototype.filter.call(form.querySelectorAll('input[name="events"]'), function (c) { return c.checked; })
      .map(function (c) { return c.value; });
    if (!chosen.length) { form.querySelector('[data-for="events"]').textContent = zx.t("pick_events"); return; }
    var body = { url: form.url.value.trim(), events: chosen, description: form.description.value.trim() || null };
    zx.api("POST", base, body)
      .then(function (endpoint) { showSecret(endpoint); shown = endpoint; form.reset(); f.notice(zx.t("added"), true); return load(); })
      .catch(function (error) { f.showErrors(form, error); });
  });

  // ---- the delivery log --------------------------------------------------------------------------
  function deliveryRow(endpoint, d) {
    var last = d.log[0] || {};
    var tr = el("tr");
    tr.append(
      el("td", null, d.event), el("td", "mono", d.order_key), el("td", null, zx.t("st_" + d.state)),
      el("td", "num", last.status === undefined || last.status === null ? "—" : String(last.status)),
      el("td", "num", last.latency_ms === undefined || last.latency_ms === null ? "—" : zx.number(last.latency_ms) + " ms"),
      el("td", "excerpt", last.excerpt || last.error || "—"), el("td", null, zx.when(last.attempted_at || d.created_at))
    );
    var cell = el("td");
    cell.append(button(zx.t("replay"), function () { replay(endpoint, d); }, true));
    tr.append(cell);
    return tr;
  }

  function openLog(endpoint) {
    shown = endpoint;
    return zx.api("GET", base + "/" + endpoint.id + "/deliveries").then(function (page) {
      var rows = page.items;
      $("log").hidden = false;
      $("log-url").textContent = endpoint.url;
      $("delivery-rows").replaceChildren.apply($("delivery-rows"), rows.map(function (d) { return deliveryRow(endpoint, d); }));
      $("no-deliveries").hidden = rows.length > 0;
    }).catch(function (error) { f.notice(error.message); });
  }

  function replay(endpoint, d) {
    zx.api("POST", base + "/" + endpoint.id + "/deliveries/" + d.id + "/replay")
      .then(function () { f.notice(zx.t("replayed"), true); return openLog(endpoint); })
      .catch(function (error) { f.notice(error.message); });
  }

  document.addEventListener("zx:lang", function () { showEndpoints(endpoints); if (shown) openLog(shown); });
  load().catch(function (error) { f.notice(error.message); });
})();
