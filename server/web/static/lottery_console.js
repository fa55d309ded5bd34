/* Lottery panel of the brand console: open a draw, follow its entrant count, close and draw. */
(function () {
  "use strict";
  zx.strings({
    en: {
      lt_title: "Lucky draw", lt_prize: "Prize", lt_prize_hint: "A signed cap", lt_winners: "Winners", lt_who: "Who may enter",
      lt_kind_comment: "viewers who comment a keyword", lt_kind_like: "viewers who like", lt_kind_purchase: "viewers who buy",
      lt_keyword: "Keyword", lt_minutes: "Close automatically after (minutes, optional)", lt_open: "Open the draw",
      lt_entrants: "entrants", lt_close: "Close & draw", lt_seed_hash: "seed hash", lt_seed: "seed", lt_proof: "proof",
      lt_rule_comment: "comment “{keyword}”", lt_rule_like: "likers", lt_rule_purchase: "buyers",
      lt_state_open: "open", lt_state_closed: "closed",
    },
    zh: {
      lt_title: "抽奖", lt_prize: "奖品", lt_prize_hint: "签名帽一顶", lt_winners: "中奖人数", lt_who: "参与方式",
      lt_kind_comment: "评论口令的观众", lt_kind_like: "点赞的观众", lt_kind_purchase: "下单的观众",
      lt_keyword: "口令", lt_minutes: "自动开奖（分钟，可选）", lt_open: "发起抽奖",
      lt_entrants: "人参与", lt_close: "截止并开奖", lt_seed_hash: "种子哈希", lt_seed: "种子", lt_proof: "公证",
      lt_rule_comment: "评论“{keyword}”", lt_rule_like: "点赞者", lt_rule_purchase: "下单者",
      lt_state_open: "进行中", lt_state_closed: "已开奖",
    },
  });
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
    if (rule.kind === "comment_keyword") return zx.t("lt_rule_comment", { keyword: rule.keyword });
    return zx.t(rule.kind === "like" ? "lt_rule_like" : "lt_rule_purchase");
  }

  function render(l) {
    current = l;
    $("lottery-current").hidden = !l;
    if (!l) return;
    $("lc-prize").textContent = l.prize + " × " + l.winners_count;
    $("lc-state").textContent = zx.t("lt_state_" + l.state);
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
