/* Lucky-draw pop-up in the viewer room: rendered from the API on load and from `lottery` room
   messages (document "zx:room" events); entering and "did I win" go through the public API. A show
   that ends closes its open draw on the server (drawn from the entries it has); until that message
   arrives the card already refuses entries, with the reason. */
(function () {
  "use strict";
  var card = document.getElementById("lottery-card");
  if (!card) return;
  var sessionId = card.dataset.session;
  var current = null;
  function $(id) { return document.getElementById(id); }
  function notice(text) { if (window.zxRoom) window.zxRoom.notice(text); }
  function roomClosed() { return window.zxRoom ? window.zxRoom.closedReason() : ""; }
  function base() { return "/api/v1/sessions/" + encodeURIComponent(sessionId) + "/lotteries"; }

  zx.strings({
    en: { lucky_draw: "🎁 Lucky draw", enter: "Enter", open_now: "open now", drawn: "drawn", closing: "closing",
          winner_one: "{n} winner", winner_many: "{n} winners", closes: "closes {when}",
          how_comment: "Comment {keyword} in the chat, then tap Enter.", how_like: "Tap the ❤ like button, then tap Enter.",
          how_buy: "Buy anything in this live, then tap Enter.", you_are_in: "You're in ✓ — good luck!",
          you_won: "🎉 You won!", winners: "Winners", no_winners: "Nobody entered, so there are no winners.",
          fair_draw: "fair draw: hash published before entries", verify: "verify", could_not_enter: "could not enter",
          unreachable: "could not reach the server; try again" },
    zh: { lucky_draw: "🎁 福袋抽奖", enter: "参与", open_now: "进行中", drawn: "已开奖", closing: "开奖中",
          winner_one: "{n} 名中奖", winner_many: "{n} 名中奖", closes: "{when} 截止",
          how_comment: "在评论区发送 {keyword}，再点“参与”。", how_like: "点一下 ❤ 点赞，再点“参与”。",
          how_buy: "在本场直播下单任意商品，再点“参与”。", you_are_in: "已参与 ✓ 祝你好运！",
          you_won: "🎉 恭喜中奖！", winners: "中奖名单", no_winners: "无人参与，本次没有中奖者。",
          fair_draw: "公平开奖：参与前已公布哈希", verify: "验证", could_not_enter: "参与失败",
          unreachable: "无法连接服务器，请重试" },
  });

  function howTo(rule) {
    var p = $("lottery-how");
    p.textContent = "";
    if (rule.kind === "comment_keyword") {
      var parts = zx.t("how_comment", { keyword: "\u0000" }).split("\u0000"); // the keyword goes in bold
      var b = document.createElement("b"); b.textContent = rule.keyword;
      p.append(parts[0], b, parts[1] || "");
    } else {
      p.textContent = zx.t(rule.kind === "like" ? "how_like" : "how_buy");
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
    var open = l.state === "open", closing = open && !!roomClosed();
    $("lottery-state").textContent = zx.t(closing ? "closing" : open ? "open_now" : "drawn");
    $("lottery-prize").textContent = l.prize;
    $("lottery-places").textContent = zx.t(l.count === 1 ? "winner_one" : "winner_many", { n: zx.number(l.count) }) +
      (l.closesAt && open ? " · " + zx.t("closes", { when: zx.when(l.closesAt, { timeStyle: "short" }) }) : "");
    $("lottery-hash").textContent = l.hash.slice(0, 16) + "…";
    $("lottery-hash").title = l.hash;
    $("lottery-verify").href = "/api/v1/lotteries/" + encodeURIComponent(l.id) + "/proof";
    $("lottery-open").hidden = !open;
    $("lottery-result").hidden = open;
    $("lottery-enter").disabled = closing;
    if (closing) $("lottery-enter").title = roomClosed(); else $("lottery-enter").removeAttribute("title");
    howTo(l.rule);
    if (!open) renderWinners(l.winners);
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
    zx.api("GET", base() + "/" + encodeURIComponent(id) + "/entries/me")
      .then(function (me) {
        if (!me || !current || current.id !== id) return;
        $("lottery-in").hidden = !me.entered;
        $("lottery-enter").hidden = me.entered;
        $("lottery-you-won").hidden = !me.won;
        var li = me.handle && document.querySelector('#lottery-winners li[data-handle="' + CSS.escape(me.handle) + '"]');
        if (li) li.classList.add("me");
      })
      .catch(function () { /* not entered, or offline: the card stays as it is */ });
  }

  $("lottery-enter").addEventListener("click", function () {
    if (!current) return;
    zx.api("POST", base() + "/" + encodeURIComponent(current.id) + "/entries")
      .then(function () { $("lottery-in").hidden = false; $("lottery-enter").hidden = true; })
      .catch(function (err) { notice(err.status ? err.message || zx.t("could_not_enter") : zx.t("unreachable")); });
  });

  document.addEventListener("zx:room", function (ev) {
    var e = ev.detail;
    if (e && e.type === "lottery") render(normalise(e));
    if (e && current && (e.type === "state" || e.type === "snapshot")) render(current);
  });
  document.addEventListener("zx:lang", function () { if (current) render(current); });

  zx.api("GET", base())
    .then(function (body) { if (body && body.lottery && !current) render(normalise(body.lottery)); })
    .catch(function () {});
})();
