// PK competitions: the partner's and the brand's consoles poll the leaderboard every 2 s; the
// viewer room listens for `pk` room messages (document "zx:room" events) after one initial fetch.
(function () {
  "use strict";
  const POLL_MS = 2000;

  zx.strings({
    en: { pk_orders_n: "{n} orders", pk_gmv_share: "+{pct} % of GMV", pk_this_session: "this live session",
          pk_net_gmv: "Net GMV", pk_orders: "Orders", pk_entrant: "Entrant", pk_score: "Score", pk_bonus: "Bonus",
          pk_you: " (you)", pk_final: "Final: you placed #{rank} · your bonus {bonus}", pk_close: "Close and pay bonuses",
          pk_confirm: "Close \"{name}\" now? The ranking is frozen and bonuses are paid.",
          pk_running: "running", pk_closed: "closed", pk_scheduled: "scheduled",
          pk_title: "PK competitions", pk_subtitle: "live leaderboards, updated every 2 s" },
    zh: { pk_orders_n: "{n} 单", pk_gmv_share: "GMV 的 +{pct} %", pk_this_session: "本场直播",
          pk_net_gmv: "净 GMV", pk_orders: "订单数", pk_entrant: "参赛者", pk_score: "成绩", pk_bonus: "奖励",
          pk_you: "（你）", pk_final: "最终排名 #{rank} · 奖励 {bonus}", pk_close: "结束并发放奖励",
          pk_confirm: "现在结束“{name}”？排名将冻结并发放奖励。",
          pk_running: "进行中", pk_closed: "已结束", pk_scheduled: "未开始",
          pk_title: "PK 赛", pk_subtitle: "实时排行榜，每 2 秒更新" },
  });
  const money = (minor, currency) => zx.money(minor, currency);
  function score(value, metric, currency) {
    return metric === "orders" ? zx.t("pk_orders_n", { n: zx.number(value) }) : money(value, currency);
  }
  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function getJson(url, options) { return zx.api((options && options.method) || "GET", url); }
  function tierText(t, currency) {
    const ranks = t.rank_from === t.rank_to ? "#" + t.rank_from : "#" + t.rank_from + "–" + t.rank_to;
    const prize = t.kind === "bonus_bps" ? zx.t("pk_gmv_share", { pct: (Number(t.amount) / 100).toFixed(2) })
      : money(Number(t.amount), currency);
    return ranks + ": " + prize;
  }

  function card(c, board, opts) {
    const root = el("article", null, "pk-card");
    root.dataset.competition = c.id;
    root.dataset.state = board.state;
    const head = el("header");
    head.appendChild(el("h3", c.name));
    head.appendChild(el("span", zx.t("pk_" + board.state), "pk-state " + board.state));
    root.appendChild(head);
    const scope = c.session_id ? zx.t("pk_this_session") : zx.when(c.starts_at) + " – " + zx.when(c.ends_at);
    root.appendChild(el("p", zx.t(c.metric === "gmv" ? "pk_net_gmv" : "pk_orders") + " · " + scope, "muted"));
    const tiers = el("ul", null, "pk-tiers");
    c.prize_tiers.forEach(function (t) { tiers.appendChild(el("li", tierText(t, c.currency))); });
    root.appendChild(tiers);
    const table = el("table", null, "pk-board");
    const thead = el("thead"); const hr = el("tr");
    ["#", zx.t("pk_entrant"), zx.t("pk_score")].concat(opts.brand ? [zx.t("pk_bonus")] : []).forEach(function (h, i) {
      hr.appendChild(el("th", h, i >= 2 ? "num" : ""));
    });
    thead.appendChild(hr); table.appendChild(thead);
    const body = el("tbody");
    board.rows.forEach(function (r) {
      const tr = el("tr", null, r.mine ? "mine" : "");
      tr.dataset.rank = r.rank;
      tr.appendChild(el("td", r.rank, "rank"));
      tr.appendChild(el("td", r.name + (r.mine ? zx.t("pk_you") : "")));
      const td = el("td", score(r.score, board.metric, board.currency), "num"); td.dataset.field = "score";
      tr.appendChild(td);
      if (opts.brand) tr.appendChild(el("td", board.frozen ? money(r.bonus_minor || 0, board.currency) : "—", "num"));
      body.appendChild(tr);
    });
    table.appendChild(body); root.appendChild(table);
    if (board.frozen && opts.partner) {
      const rank = (board.rows.find(function (r) { return r.mine; }) || {}).rank || "?";
      const result = el("p", zx.t("pk_final", { rank: rank, bonus: money(board.my_bonus_minor || 0, board.currency) }), "pk-result");
      result.dataset.role = "result";
      root.appendChild(result);
    }
    if (opts.brand && !board.frozen) {
      const button = el("button", zx.t("pk_close"), "pk-close");
      button.type = "button";
      button.addEventListener("click", function () { opts.close(c, button); });
      root.appendChild(button);
    }
    return root;
  }

  function consolePanel(panel, opts) {
    const list = panel.querySelector('[data-role="list"]');
    function render() {
      return getJson(opts.listUrl).then(function (page) {
        const all = page.items;
        const shown = all.filter(opts.filter);
        panel.hidden = shown.length === 0;
        return Promise.all(shown.map(function (c) {
          return getJson("/api/v1/competitions/" + encodeURIComponent(c.id) + "/leaderboard").then(function (b) {
            return card(c, b, opts);
          });
        }));
      }).then(function (cards) { list.replaceChildren.apply(list, cards); })
        .catch(function () { /* a missed poll: the next one catches up */ });
    }
    opts.close = function (c, button) {
      if (!confirm(zx.t("pk_confirm", { name: c.name }))) return;
      button.disabled = true;
      getJson("/api/v1/brands/" + encodeURIComponent(c.brand_id) + "/competitions/" + encodeURIComponent(c.id) +
        "/close", { method: "POST" }).then(render).catch(function (err) {
        button.disabled = false;
        if (window.zxConsole) window.zxConsole.notice(err.message);
      });
    };
    render();
    setInterval(render, POLL_MS);
  }

  function livePanel(panel) {
    const sessionId = panel.dataset.session;
    const top = panel.querySelector('[data-role="top"]');
    function show(c) {
      panel.hidden = false;
      panel.querySelector('[data-role="name"]').textContent = c.name;
      top.replaceChildren.apply(top, c.top.map(function (r) {
        const li = el("li");
        li.appendChild(el("span", r.rank, "pk-rank"));
        li.appendChild(el("span", r.name, "pk-name"));
        li.appendChild(el("b", score(r.score, c.metric, c.currency)));
        return li;
      }));
    }
    getJson("/api/v1/sessions/" + encodeURIComponent(sessionId) + "/pk").then(function (body) {
      if (body.competition) show(body.competition);
    }).catch(function () {});
    document.addEventListener("zx:room", function (e) {
      const m = e.detail;
      if (!m || m.type !== "pk") return;
      show({ name: m.name, metric: m.metric, currency: m.currency, top: m.top });
    });
  }

  document.querySelectorAll(".pk[data-mode]").forEach(function (panel) {
    if (panel.dataset.mode === "partner") {
      consolePanel(panel, { partner: true, listUrl: "/api/v1/partners/" + encodeURIComponent(panel.dataset.partner) +
        "/competitions?limit=200", filter: function () { return true; } });
    } else if (panel.dataset.mode === "console") {
      const sessionId = panel.dataset.session;
      consolePanel(panel, { brand: true, listUrl: "/api/v1/brands/" + encodeURIComponent(panel.dataset.brand) +
        "/competitions?limit=200", filter: function (c) {
          // this session's competitions, and period ones running or closed in the last day
          return c.session_id === sessionId || (!c.session_id && (c.state === "running" ||
            (c.closed_at && Date.now() - Date.parse(c.closed_at) < 86400000)));
        } });
    } else if (panel.dataset.mode === "live") {
      livePanel(panel);
    }
  });
})();
