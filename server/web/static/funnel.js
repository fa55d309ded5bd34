// Live partner funnel: one websocket per page, re-rendered on each snapshot, reconnecting on loss.
// Its words (the _funnel.html partial's too) in English and Chinese below.
(function () {
  "use strict";
  zx.strings({
    en: {
      fn_state_scheduled: "scheduled", fn_state_live: "live", fn_state_ended: "ended", fn_state_cancelled: "cancelled", fn_state_replay: "replay",
      fn_connecting: "connecting…", fn_live: "live", fn_reconnecting: "reconnecting…", fn_refused: "not allowed: sign in again",
      fn_live_now: "Live now: the numbers move as viewers click, watch, like, add to cart and pay.",
      fn_totals: "Totals for this session.", fn_estimate: "Commission shown is an estimate (GMV × rate); the ledger decides what is paid.",
      fn_funnel: "Funnel", fn_partner: "Partner", fn_link: "Link", fn_clicks: "Clicks", fn_viewers: "Viewers", fn_likes: "Likes",
      fn_cart_adds: "Cart adds", fn_orders: "Orders", fn_commission: "Est. commission", fn_waiting: "Waiting for numbers…",
      fn_recent: "Recent orders", fn_none_yet: "None yet.", fn_total: "Total", fn_no_clicks: "No clicks yet.",
      fn_copied: "Copied", fn_copy: "Copy", fn_copy_failed: "Select and copy",
      fn_replay_views: "Replay views", fn_replay_orders: "Replay orders", fn_replay_gmv: "Replay GMV",
    },
    zh: {
      fn_state_scheduled: "未开播", fn_state_live: "直播中", fn_state_ended: "已结束", fn_state_cancelled: "已取消", fn_state_replay: "回放",
      fn_connecting: "连接中…", fn_live: "实时", fn_reconnecting: "重新连接中…", fn_refused: "无权查看：请重新登录",
      fn_live_now: "直播中：观众点击、观看、点赞、加购和支付时，数字实时变化。",
      fn_totals: "本场汇总。", fn_estimate: "佣金为预估（GMV × 比例），实际以账本为准。",
      fn_funnel: "漏斗", fn_partner: "伙伴", fn_link: "链接", fn_clicks: "点击", fn_viewers: "观看", fn_likes: "点赞",
      fn_cart_adds: "加购", fn_orders: "订单", fn_commission: "预估佣金", fn_waiting: "等待数据…",
      fn_recent: "最近订单", fn_none_yet: "暂无。", fn_total: "合计", fn_no_clicks: "暂无点击。",
      fn_copied: "已复制", fn_copy: "复制", fn_copy_failed: "请手动选择复制",
      fn_replay_views: "回放观看", fn_replay_orders: "回放订单", fn_replay_gmv: "回放 GMV",
    },
  });
  const panel = document.getElementById("funnel");
  const FIELDS = ["clicks", "viewers", "likes", "cart_adds", "orders", "gmv_minor", "commission_estimate_minor",
    "replay_views", "replay_orders", "replay_gmv_minor"]; // the replay's share, apart from the live

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function row(data, label, currency, key, previous) {
    const tr = document.createElement("tr");
    tr.dataset.key = key;
    if (data.code) tr.dataset.code = data.code;
    tr.appendChild(cell(label));
    for (const field of FIELDS) {
      const value = data[field];
      const td = cell(field.endsWith("_minor") ? zx.money(value, currency) : String(value), "num");
      td.dataset.field = field;
      tr.appendChild(td);
    }
    if (previous && previous !== JSON.stringify(data)) tr.classList.add("bump");
    return tr;
  }

  const last = {};
  function render(snapshot) {
    const mode = panel.dataset.mode;
    const rows = mode === "brand" ? snapshot.partners : snapshot.links;
    const body = panel.querySelector('[data-role="rows"]');
    body.replaceChildren();
    for (const data of rows) {
      const key = mode === "brand" ? data.partner_id : data.link_id;
      const label = mode === "brand" ? data.partner_name : (data.label || data.code);
      body.appendChild(row(data, label, snapshot.currency, key, last[key]));
      last[key] = JSON.stringify(data);
    }
    if (mode !== "brand" && snapshot.partners.length) {
      const total = row(snapshot.partners[0], zx.t("fn_total"), snapshot.currency, "total", last.total);
      total.classList.add("total");
      body.appendChild(total);
      last.total = JSON.stringify(snapshot.partners[0]);
    }
    if (!rows.length) body.replaceChildren(note("tr", "fn_no_clicks"));
    const orders = panel.querySelector('[data-role="orders"]');
    orders.replaceChildren();
    for (const order of snapshot.recent_orders) {
      const li = document.createElement("li");
      li.textContent = zx.when(order.paid_at, { timeStyle: "medium" }) + " · " + order.buyer + " · " +
        zx.money(order.amount_minor, order.currency);
      orders.appendChild(li);
    }
    if (!snapshot.recent_orders.length) orders.replaceChildren(note("li", "fn_none_yet"));
    const state = panel.querySelector('[data-role="session-state"]');
    state.dataset.i18n = "fn_state_" + snapshot.session_state;
    state.textContent = zx.t(state.dataset.i18n);
  }

  // An empty list's one line ("No clicks yet."), kept translatable by its key.
  function note(tag, key) {
    const node = document.createElement(tag === "tr" ? "td" : "li");
    node.className = "muted";
    node.dataset.i18n = key;
    node.textContent = zx.t(key);
    if (tag !== "tr") return node;
    node.colSpan = 11;
    const tr = document.createElement("tr");
    tr.appendChild(node);
    return tr;
  }

  // The status line keeps its key, so a language switch translates it as it stands.
  function status(key) {
    const line = panel.querySelector('[data-role="status"]');
    line.dataset.i18n = key;
    line.textContent = zx.t(key);
  }

  function connect(delay) {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + "/ws/funnel/" + encodeURIComponent(panel.dataset.session));
    socket.onopen = () => { status("fn_live"); delay = 1000; };
    socket.onmessage = (event) => render(JSON.parse(event.data));
    socket.onclose = (event) => {
      if (event.code === 4401 || event.code === 4404) { status("fn_refused"); return; }
      status("fn_reconnecting");
      setTimeout(() => connect(Math.min(delay * 2, 15000)), delay);
    };
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.copy");
    if (!button) return;
    navigator.clipboard.writeText(button.dataset.copy).then(() => {
      button.textContent = zx.t("fn_copied");
      setTimeout(() => { button.textContent = zx.t("fn_copy"); }, 1500);
    }, () => { button.textContent = zx.t("fn_copy_failed"); });
  });

  if (panel) connect(1000);
})();
