/* Lottery panel of the brand console: open a draw, follow its entrant count, close and draw. */
(function () {
  "use strict";
  var panel = document.getElementById("lottery-console");
  if (!panel) return;
  var sessionId = panel.dataset.session;
  var form = document.getElementById("lottery-form");
  var current = null;
  function $(id) { return document.getElementById(id); }
  function notice(text) { if (window.zxConsole) window.zxConsole.notice(text); }
  function base() { return "/api/v1/sessions/" + encodeURIComponent(sessionId) + "/lotteries"; }

  // a refusal is shown in the console's notice; the caller gets null
  function call(method, path, body) {
    return zx.api(method, base() + path, body).catch(function (error) { notice(error.message); return null; });
  }

  function ruleText(rule) {
    if (rule.kind === "comment_keyword") return "comment “" + rule.keyword + "”";
    return rule.kind === "like" ? "likers" : "buyers";
  }

  function render(l) {
    current = l;
    $("lottery-current").hidden = !l;
    if (!l) return;
    $("lc-prize").textContent = l.prize + " × " + l.winners_count;
    $("lc-state").textContent = l.state;
    $("lc-count").textContent = l.entrant_count;
    $("lc-rule").textContent = ruleText(l.entry_rule);
    $("lc-hash").textContent = l.seed_sha256.slice(0, 16) + "…";
    $("lc-seed-wrap").hidden = !l.seed;
    $("lc-seed").textContent = l.seed ? l.seed.slice(0, 16) + "…" : "";
    $("lc-proof").href = "/api/v1/lotteries/" + encodeURIComponent(l.id) + "/proof";
    $("lc-close").hidden = l.state !== "open";
    var list = $("lc-winners");
    list.textContent = "";
    (l.winners || []).forEach(function (w) {
      var li = document.createElement("li");
      li.textContent = (w.name ? w.name + " · " : "") + w.handle;
      list.append(li);
    });
  }

  function refresh() { return call("GET", "").then(function (body) { if (body) render(body.lottery); }); }

  function syncKind() {
    form.querySelector('[data-for="comment_keyword"]').hidden = form.kind.value !== "comment_keyword";
  }
  form.kind.addEventListener("change", syncKind);
  syncKind();

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var rule = { kind: form.kind.value };
    if (rule.kind === "comment_keyword") rule.keyword = form.keyword.value;
    var body = { prize: form.prize.value, winners: Number(form.winners.value), entry_rule: rule };
    if (form.minutes.value) body.closes_at = new Date(Date.now() + Number(form.minutes.value) * 60000).toISOString();
    call("POST", "", body).then(function (l) { if (l) render(l); });
  });

  $("lc-close").addEventListener("click", function () {
    if (!current || !confirm("Close the draw and pick the winners now?")) return;
    call("POST", "/" + encodeURIComponent(current.id) + "/close").then(function (l) { if (l) render(l); });
  });

  document.addEventListener("zx:room", function (ev) { if (ev.detail && ev.detail.type === "lottery") refresh(); });
  // the entrant count is not broadcast (it would be a message per entry): poll it while a draw is open
  setInterval(function () { if (current && current.state === "open") refresh(); }, 3000);
  refresh();
})();
