// The brand console: the room's stream over the console socket (cookie auth, zx.roomSocket with
// resume) plus per-SKU sales; pin, unpin, go live and end call the API with the same cookie.
// Money, numbers and words come from zx.js (one formatter, the zh-CN/English tables below).
(function () {
  "use strict";
  zx.strings({
    en: {
      console: "Brand console", forbidden: "The console is for brand and admin tokens.", other_token: "Sign in with another token",
      sessions: "Sessions", no_sessions: "No sessions yet.", schedule_one: "Schedule one",
      pick_session: "Pick a session", pick_session_hint: "Choose a session to watch its room live.",
      viewer_page: "viewer page ↗", open_dashboard: "live dashboard (大屏) ↗", open_report: "report ↗",
      go_live: "Go live", end: "End", unpin: "Unpin", pin: "Pin", pinned: "Pinned", pin_column: "Pin",
      watching: "watching", likes: "likes", cart_adds: "cart adds", units_ordered: "units ordered",
      lineup: "Line-up", sku: "SKU", price: "Price", stock: "Stock", carts: "Carts", orders: "Orders",
      comments: "Comments", remove: "remove", remove_label: "Remove the comment by {who}",
      confirm_end: "End this live session?", not_allowed: "not allowed", failed: "failed",
      state_draft: "draft", state_scheduled: "scheduled", state_live: "live", state_ended: "ended", state_cancelled: "cancelled",
      pk_console_title: "PK competitions",
    },
    zh: {
      console: "直播中控", forbidden: "中控仅限品牌和管理员令牌。", other_token: "换一个令牌登录",
      sessions: "场次", no_sessions: "还没有场次。", schedule_one: "去排期",
      pick_session: "选择一个场次", pick_session_hint: "在左侧选一个场次，实时查看直播间。",
      viewer_page: "观众页 ↗", open_dashboard: "直播大屏 ↗", open_report: "复盘报告 ↗",
      go_live: "开播", end: "结束", unpin: "取消讲解", pin: "讲解", pinned: "讲解中", pin_column: "讲解",
      watching: "在线", likes: "点赞", cart_adds: "加购", units_ordered: "下单件数",
      lineup: "商品清单", sku: "商品", price: "价格", stock: "库存", carts: "加购", orders: "下单",
      comments: "评论", remove: "删除", remove_label: "删除 {who} 的评论",
      confirm_end: "确定结束这场直播？", not_allowed: "无权限", failed: "操作失败",
      state_draft: "草稿", state_scheduled: "待开播", state_live: "直播中", state_ended: "已结束", state_cancelled: "已取消",
      pk_console_title: "PK 竞赛",
    },
  });
  var root = document.getElementById("console");
  if (!root) return;
  var sessionId = root.dataset.session;
  var $ = function (id) { return document.getElementById(id); };
  var room = { lineup: [], pinned: null, likes: 0, carts: {}, orders: {}, state: $("state").dataset.state };

  function sum(map) { return Object.keys(map).reduce(function (a, k) { return a + map[k]; }, 0); }
  function notice(text) { zx.notice($("console-notice"), text, { hideAfterMs: 4000 }); }
  function cell(text, cls) { var td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; return td; }

  function pinButton(it) {
    var pin = document.createElement("button");
    pin.type = "button"; pin.className = "small pin-btn";
    pin.textContent = zx.t(it.sku_id === room.pinned ? "pinned" : "pin");
    pin.disabled = it.sku_id === room.pinned;
    pin.addEventListener("click", function () { api("PUT", "/pin", { sku_id: it.sku_id }); });
    var td = document.createElement("td"); td.append(pin);
    return td;
  }

  function render() {
    var rows = $("lineup-rows");
    rows.textContent = "";
    room.lineup.forEach(function (it) {
      var tr = document.createElement("tr");
      tr.dataset.sku = it.sku_id;
      if (it.sku_id === room.pinned) tr.className = "is-pinned";
      tr.append(cell(it.title), cell(zx.money(it.price_minor, it.currency), "num"), cell(zx.number(it.stock), "num"),
        cell(zx.number(room.carts[it.sku_id] || 0), "num"), cell(zx.number(room.orders[it.sku_id] || 0), "num"), pinButton(it));
      rows.append(tr);
    });
    $("carts-total").textContent = zx.number(sum(room.carts));
    $("orders-total").textContent = zx.number(sum(room.orders));
    $("likes").textContent = zx.number(room.likes);
  }

  function addComment(c) {
    var li = document.createElement("li");
    li.dataset.id = c.id;
    var who = document.createElement("b"); who.textContent = c.author + " ";
    var text = document.createElement("span"); text.textContent = c.text;
    var del = document.createElement("button");
    del.type = "button"; del.className = "del"; del.textContent = zx.t("remove");
    del.setAttribute("aria-label", zx.t("remove_label", { who: c.author }));
    del.addEventListener("click", function () { api("DELETE", "/comments/" + encodeURIComponent(c.id)); });
    li.append(who, text, del);
    $("console-comments").append(li);
  }

  function setState(s) {
    room.state = s;
    var badge = $("state");
    badge.dataset.state = s; badge.dataset.i18n = "state_" + s; badge.textContent = zx.t("state_" + s);
    badge.className = "badge" + (s === "live" ? " is-live" : "");
    $("go-live").disabled = s !== "scheduled";
    $("end").disabled = s !== "live";
    $("unpin").disabled = s !== "live";
  }

  var handlers = {
    snapshot: function (e) {
      room.lineup = e.lineup; room.pinned = e.pinned_sku_id; room.carts = e.carts || {};
      room.likes = Math.max(room.likes, e.likes);
      $("viewers").textContent = zx.number(e.viewers); setState(e.session.state);
      $("console-comments").textContent = ""; e.comments.forEach(addComment); render();
    },
    likes: function (e) { room.likes = Math.max(room.likes, e.total); render(); },
    viewers: function (e) { $("viewers").textContent = zx.number(e.count); },
    pin: function (e) { room.pinned = e.sku_id; render(); },
    state: function (e) { setState(e.state); if (e.state !== "live") { room.pinned = null; render(); } },
    stock: function (e) { room.lineup.forEach(function (it) { if (it.sku_id === e.sku_id) it.stock = e.stock; }); render(); },
    carts: function (e) { room.carts = e.counts; render(); },
    sales: function (e) { room.carts = e.carts; room.orders = e.orders; render(); },
    comment: addComment,
    comment_deleted: function (e) {
      var li = document.querySelector('#console-comments li[data-id="' + CSS.escape(e.id) + '"]');
      if (li) li.remove();
    },
    error: function (e) { notice(e.detail); },
  };

  function onEvent(e) {
    if (handlers[e.type]) handlers[e.type](e);
    document.dispatchEvent(new CustomEvent("zx:room", { detail: e }));  // promotion panels listen here
  }

  function onState(state, reason) {
    root.dataset.connected = state === "open" ? "1" : "";
    if (state === "refused") notice(reason || zx.t("not_allowed"));
  }

  function api(method, path, body) {
    return zx.api(method, "/api/v1/sessions/" + encodeURIComponent(sessionId) + path, body)
      .catch(function (err) { notice(err.message || zx.t("failed")); });
  }

  $("go-live").addEventListener("click", function () { api("POST", "/state", { state: "live" }); });
  $("end").addEventListener("click", function () { if (confirm(zx.t("confirm_end"))) api("POST", "/state", { state: "ended" }); });
  $("unpin").addEventListener("click", function () { api("DELETE", "/pin"); });
  document.addEventListener("zx:lang", function () { setState(room.state); render(); });
  // What promotion panels may use (their scripts are deferred after this one).
  window.zxConsole = { sessionId: sessionId, brandId: root.dataset.brand, money: zx.money, notice: notice };
  setState(room.state);
  zx.roomSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/console/sessions/" +
    encodeURIComponent(sessionId), { onEvent: onEvent, onState: onState });
})();
