// Pre-live reminders on the viewer page: subscribe with a contact while the session is scheduled,
// then "check your messages to confirm" (double opt-in) until the contact opens the link we sent,
// which brings it back here with ?confirm=TOKEN and a Confirm button (a button, not the bare visit:
// mail scanners open links); then "We'll remind you" with an unsubscribe link. Hidden once live.
(function () {
  "use strict";
  zx.strings({
    en: {
      rm_starts: "Starts", rm_title: "Remind me when it starts", rm_how: "how to remind you", rm_where: "where to remind you",
      rm_email: "Email", rm_sms: "SMS", rm_wechat: "WeChat", rm_app: "App", rm_submit: "Remind me",
      rm_pending: "Check your messages to confirm: open the link we sent", rm_unsubscribe: "Unsubscribe",
      rm_confirm_ask: "Confirm you want a reminder when it starts?", rm_confirm: "Confirm",
      rm_done: "We'll remind you when it starts:", rm_by: "by {channel} ({address})", rm_wechat_id: "WeChat ID",
      rm_app_id: "App user id", rm_failed: "Something went wrong",
    },
    zh: {
      rm_starts: "开播时间", rm_title: "开播时提醒我", rm_how: "提醒方式", rm_where: "提醒地址",
      rm_email: "邮件", rm_sms: "短信", rm_wechat: "微信", rm_app: "App", rm_submit: "提醒我",
      rm_pending: "请查收消息，点击我们发送的链接确认提醒", rm_unsubscribe: "取消提醒",
      rm_confirm_ask: "确认开播时提醒你？", rm_confirm: "确认",
      rm_done: "已确认，开播时提醒你：", rm_by: "{channel}（{address}）", rm_wechat_id: "微信号",
      rm_app_id: "App 用户 ID", rm_failed: "出错了，请重试",
    },
  });
  var card = document.getElementById("reminders");
  if (!card) return;
  var $ = function (id) { return document.getElementById(id); };
  // live.js (which sets window.zxRoom) loads after this partial's script: read it when needed.
  function ref() {
    var live = document.getElementById("live");
    return (window.zxRoom && window.zxRoom.ref) || (live && live.dataset.ref) || "";
  }
  var sessionId = card.dataset.session;
  var api = "/api/v1/sessions/" + encodeURIComponent(sessionId) + "/reminders";
  var hints = { email: ["email", "you@example.com"], sms: ["tel", "+86 138 0013 8000"],
                wechat: ["text", zx.t("rm_wechat_id")], app: ["text", zx.t("rm_app_id")] };

  // The scheduled start in the viewer's own time zone.
  var start = new Date(card.dataset.start);
  if (!isNaN(start)) $("reminder-start").textContent = zx.when(card.dataset.start, { dateStyle: "full", timeStyle: "short" });

  function showError(text) { var box = $("reminder-error"); box.textContent = text; box.hidden = !text; }

  function render(state) {
    var where = state.subscribed ? zx.t("rm_by", { channel: zx.t("rm_" + state.channel), address: state.address_masked }) : "";
    $("reminder-form").hidden = !!state.subscribed;
    $("reminder-pending").hidden = !state.subscribed || !!state.confirmed;
    $("reminder-done").hidden = !state.subscribed || !state.confirmed;
    $("reminder-where").textContent = $("reminder-pending-where").textContent = where;
  }

  // Arrived through the confirmation link: confirm only when the viewer presses the button.
  var confirmToken = new URLSearchParams(location.search).get("confirm");
  if (confirmToken) $("reminder-confirm").hidden = false;
  $("reminder-confirm-button").addEventListener("click", function () {
    showError("");
    zx.api("POST", "/api/v1/reminders/confirmations", { token: confirmToken })
      .then(function (state) { render(state); })
      .catch(function (err) { showError(err.message || zx.t("rm_failed")); })
      .finally(function () {
        $("reminder-confirm").hidden = true;
        var url = new URL(location.href); url.searchParams.delete("confirm");
        history.replaceState(null, "", url.pathname + url.search);
      });
  });

  function call(method, body) {
    var url = api + (ref() ? "?ref=" + encodeURIComponent(ref()) : "");
    return zx.api(method, url, body);
  }

  $("reminder-channel").addEventListener("change", function (e) {
    var hint = hints[e.target.value] || hints.app, input = $("reminder-address");
    input.type = hint[0]; input.placeholder = hint[1];
  });

  $("reminder-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    showError("");
    var body = { channel: $("reminder-channel").value, address: $("reminder-address").value.trim() };
    if (ref()) body.ref = ref();
    $("reminder-submit").disabled = true;
    call("POST", body).then(render).catch(function (err) { showError(err.message); })
      .finally(function () { $("reminder-submit").disabled = false; });
  });

  card.querySelectorAll("[data-unsubscribe]").forEach(function (link) {
    link.addEventListener("click", function (ev) {
      ev.preventDefault();
      call("DELETE").then(render).catch(function (err) { showError(err.message); });
    });
  });

  function hideUnlessScheduled(state) { if (state && state !== "scheduled") card.hidden = true; }
  document.addEventListener("zx:room", function (e) {
    var msg = e.detail || {};
    if (msg.type === "state") hideUnlessScheduled(msg.state);
    if (msg.type === "snapshot" && msg.session) hideUnlessScheduled(msg.session.state);
  });

  if (!card.hidden) {
    zx.api("GET", api + "/me").then(function (state) { if (state) render(state); })
      .catch(function () { /* not subscribed yet, or the API away: the form stays */ });
  }
})();
