// Brand console: reminder counts for the selected session and the brand's notifier settings.
(function () {
  "use strict";
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
      name.textContent = p.partner_id ? p.name : "Direct (no partner link)";
      n.className = "num"; n.textContent = p.subscribed;
      tr.append(name, n); body.append(tr);
    });
    if (!s.by_partner.length) {
      var tr = document.createElement("tr"), td = document.createElement("td");
      td.colSpan = 2; td.className = "muted"; td.textContent = "No subscribers yet."; tr.append(td); body.append(tr);
    }
  }

  function renderNotifier(n) {
    var webhook = n.kind === "webhook";
    $("notifier-current").textContent = webhook ? "Webhook: " + n.url + " · secret " + n.secret_hint
                                                 : "No webhook: reminders are written to the server log.";
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
