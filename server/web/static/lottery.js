/* Lottery card in the viewer room: rendered from the API on load and from `lottery` room
   messages (document "zx:room" events); entering and "did I win" go through the public API. */
(function () {
  "use strict";
  var card = document.getElementById("lottery-card");
  if (!card) return;
  var sessionId = card.dataset.session;
  var current = null;
  function $(id) { return document.getElementById(id); }
  function notice(text) { if (window.zxRoom) window.zxRoom.notice(text); }
  function base() { return "/api/v1/sessions/" + encodeURIComponent(sessionId) + "/lotteries"; }

  function howTo(rule) {
    var p = $("lottery-how");
    p.textContent = "";
    if (rule.kind === "comment_keyword") {
      p.append("Comment ");
      var b = document.createElement("b"); b.textContent = rule.keyword; p.append(b);
      p.append(" in the chat, then tap Enter.");
    } else if (rule.kind === "like") {
      p.append("Tap the ❤ like button, then tap Enter.");
    } else {
      p.append("Buy anything in this live, then tap Enter.");
    }
  }

  // Room messages and the API carry the same facts under slightly different names.
  function normalise(l) {
    return { id: l.id, state: l.state, prize: l.prize, rule: l.entry_rule, hash: l.seed_sha256,
             count: typeof l.winners === "number" ? l.winners : l.winners_count,
             winners: Array.isArray(l.winners) ? l.winners : [], closesAt: l.closes_at };
  }

  function render(l) {
    current = l;
    card.hidden = false;
    card.dataset.state = l.state;
    $("lottery-state").textContent = l.state === "open" ? "open now" : "drawn";
    $("lottery-prize").textContent = l.prize;
    $("lottery-places").textContent = l.count + (l.count === 1 ? " winner" : " winners") +
      (l.closesAt && l.state === "open" ? " · closes " + new Date(l.closesAt).toLocaleTimeString() : "");
    $("lottery-hash").textContent = l.hash.slice(0, 16) + "…";
    $("lottery-hash").title = l.hash;
    $("lottery-verify").href = "/api/v1/lotteries/" + encodeURIComponent(l.id) + "/proof";
    $("lottery-open").hidden = l.state !== "open";
    $("lottery-result").hidden = l.state === "open";
    howTo(l.rule);
    if (l.state !== "open") renderWinners(l.winners);
    mine();
  }

  function renderWinners(winners) {
    var list = $("lottery-winners");
    list.textContent = "";
    winners.forEach(function (w) {
      var li = document.createElement("li");
      li.dataset.handle = w.handle;
      li.append(w.name ? w.name + " " : "");
      var code = document.createElement("code"); code.textContent = w.handle; li.append(code);
      list.append(li);
    });
    $("lottery-none").hidden = winners.length > 0;
  }

  function mine() {
    var id = current.id;
    fetch(base() + "/" + encodeURIComponent(id) + "/entries/me", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (me) {
        if (!me || !current || current.id !== id) return;
        $("lottery-in").hidden = !me.entered;
        $("lottery-enter").hidden = me.entered;
        $("lottery-you-won").hidden = !me.won;
        var li = me.handle && document.querySelector('#lottery-winners li[data-handle="' + CSS.escape(me.handle) + '"]');
        if (li) li.classList.add("me");
      });
  }

  $("lottery-enter").addEventListener("click", function () {
    if (!current) return;
    fetch(base() + "/" + encodeURIComponent(current.id) + "/entries", { method: "POST", credentials: "same-origin" })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) { notice(body.detail || body.title || "could not enter"); return; }
          $("lottery-in").hidden = false;
          $("lottery-enter").hidden = true;
        });
      })
      .catch(function () { notice("could not reach the server; try again"); });
  });

  document.addEventListener("zx:room", function (ev) {
    var e = ev.detail;
    if (e && e.type === "lottery") render(normalise(e));
  });

  fetch(base(), { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (body) { if (body && body.lottery && !current) render(normalise(body.lottery)); });
})();
