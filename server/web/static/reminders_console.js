// Brand console: reminder counts for the selected session and the brand's notifier settings.
(function () {
  "use strict";
  zx.strings({
    en: {
      rm_title: "Reminders", rm_subscribed: "subscribed", rm_confirmed: "confirmed", rm_awaiting: "awaiting confirmation",
      rm_sent: "sent", rm_pending: "reminders pending", rm_failed: "failed", rm_through: "Through", rm_subscribed_column: "Subscribed",
      rm_none: "No subscribers yet.", rm_where: "Where reminders go", rm_url_label: "webhook URL", rm_save: "Save",
      rm_rotate: "Rotate secret", rm_back_to_log: "Back to log", rm_secret_once: "Signing secret — copy it now, it is shown only once:",
      rm_direct: "Direct (no partner link)", rm_webhook: "Webhook: {url} · secret {hint}",
      rm_log: "No webhook: reminders are written to the server log.",
    },
    zh: {
      rm_title: "开播提醒（预热）", rm_subscribed: "已预约", rm_confirmed: "已确认", rm_awaiting: "待确认",
      rm_sent: "已发送", rm_pending: "待发送", rm_failed: "发送失败", rm_through: "来源", rm_subscribed_column: "预约人数",
      rm_none: "还没有人预约。", rm_where: "提醒发到哪里", rm_url_label: "Webhook 地址", rm_save: "保存",
      rm_rotate: "更换密钥", rm_back_to_log: "改回写日志", rm_secret_once: "签名密钥只显示这一次，请现在复制：",
      rm_direct: "直接进入（无伙伴链接）", rm_webhook: "Webhook：{url} · 密钥 {hint}",
      rm_log: "未设置 Webhook：提醒写入服务器日志。",
    },
  });
  var panel = document.getElementById("console-reminders");
  if (!panel) return;
  var $ = function (id) { return document.getElementById(id); };
  var sessionId = panel.dataset.session, brandId = panel.dataset.brand;
  var notifierUrl = "/api/v1/brands/" + encodeURIComponent(brandId) + "/notifier";
  var say = (window.zxConsole && window.zxConsole.notice) || function () {};

  var api = zx.api;

  function field(name, value) { panel.querySelector('[data-field="' + name + '"]').textContent = value; }

  function renderStats(s) {
    field("subscribed", s.subscribed);
    field("confirmed", s.confirmed);  // double opt-in: only these are reminded
    field("pending_confirmation", s.pending_confirmation);
    ["sent", "pending", "failed"].forEach(function (k) { field(k, s.notifications[k] + (k === "pending" ? s.notifications.sending : 0)); });
    var body = $("reminder-partners");
    body.textContent = "";
    s.by_partner.forEach(function (p) {
      var tr = document.createElement("tr"), name = document.createElement("td"), n = document.createElement("td");
      tr.dataset.partner = p.partner_id || "direct";
      name.textContent = p.partner_id ? p.name : zx.t("rm_direct");
      n.className = "num"; n.textContent = p.subscribed;
      tr.append(name, n); body.append(tr);
    });
    if (!s.by_partner.length) {
      var tr = document.createElement("tr"), td = document.createElement("td");
      td.colSpan = 2; td.className = "muted"; td.textContent = zx.t("rm_none"); tr.append(td); body.append(tr);
    }
  }

  function renderNotifier(n) {
    var webhook = n.kind === "webhook";
    $("notifier-current").textContent = webhook ? zx.t("rm_webhook", { url: n.url, hint: n.secret_hint }) : zx.t("rm_log");
    if (webhook) $("notifier-url").value = n.url;
    $("notifier-rotate").hidden = $("notifier-remove").hidden = !webhook;
    $("notifier-secret").hidden = !n.secret;
    $("notifier-secret-value").textContent = n.secret || "";
  }

  function refresh() {
    api("GET", "/api/v1/sessions/" + encodeURIComponent(sessionId) + "/reminders/stats").then(renderStats)
      .catch(function () {});
  }

  $("notifier-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    api("PUT", notifierUrl, { url: $("notifier-url").value.trim() }).then(renderNotifier)
      .catch(function (e) { say(e.message); });
  });
  $("notifier-rotate").addEventListener("click", function () {
    api("PUT", notifierUrl, { url: $("notifier-url").value.trim(), rotate_secret: true }).then(renderNotifier)
      .catch(function (e) { say(e.message); });
  });
  $("notifier-remove").addEventListener("click", function () {
    api("DELETE", notifierUrl).then(function () { return api("GET", notifierUrl); }).then(renderNotifier)
      .catch(function (e) { say(e.message); });
  });
  document.addEventListener("zx:room", function (e) { if (e.detail && e.detail.type === "state") setTimeout(refresh, 1500); });

  api("GET", notifierUrl).then(renderNotifier).catch(function () {});
  refresh();
  setInterval(refresh, 10000);
})();
