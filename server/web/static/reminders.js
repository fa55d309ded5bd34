// Pre-live reminders on the viewer page: subscribe with a contact while the session is scheduled,
// then "check your messages to confirm" (double opt-in) until the contact opens the link we sent,
// which brings it back here with ?confirm=TOKEN and a Confirm button (a button, not the bare visit:
// mail scanners open links); then "We'll remind you" with an unsubscribe link. Hidden once live.
(function () {
  "use strict";
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
                wechat: ["text", "WeChat ID"], app: ["text", "App user id"] };

  // The scheduled start in the viewer's own time zone.
  var start = new Date(card.dataset.start);
  if (!isNaN(start)) {
    $("reminder-start").textContent = start.toLocaleString(undefined, { weekday: "short", month: "short",
      day: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  function showError(text) { var box = $("reminder-error"); box.textContent = text; box.hidden = !text; }

  function render(state) {
    var where = state.subscribed ? "by " + state.channel + " (" + state.address_masked + ")" : "";
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
      .catch(function (err) { showError(err.message || "Something went wrong"); })
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
