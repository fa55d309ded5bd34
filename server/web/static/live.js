// The live room page: one socket (zx.roomSocket: a snapshot, then events with `seq`; on a drop it
// resumes with ?last_seq=), the room's state drawn from the data (scheduled, live, ended, cancelled,
// switched live by `state` events), the bag sheet with the line-up. User text goes in with
// textContent only. Promotion scripts (coupons, lottery, group-buy, PK) listen to `zx:room` events
// and use window.zxRoom; this script is loaded first (in <head>, deferred) so zxRoom exists for them.
(function () {
  "use strict";
  var RECONNECT_QUIET_MS = 2000; // a socket back within 2 s is never shown
  var $ = function (id) { return document.getElementById(id); };
  var root, sessionId, ref, socket = null;
  var room = { lineup: [], pinned: null, likes: 0, carts: {}, state: "", session: {} };
  var pendingLikes = 0, likeTimer = null, connTimer = null, countdownTimer = null;

  zx.strings({
    en: {
      watching: "watching", reconnecting: "reconnecting…", remind_me: "Remind me", see_lineup: "See the line-up",
      now_showing: "Now showing", buy: "Buy", add: "Add", say_something: "Say something…", comment: "comment",
      send: "Send", open_bag: "shopping bag", like: "like", in_this_show: "In this show", close: "close",
      go_checkout: "Go to checkout →", state_scheduled: "Coming up", state_live: "● LIVE", state_ended: "Ended",
      state_cancelled: "Cancelled", starts_at: "Starts {when}", starts_in: "Starts in", starting_soon: "Starting any moment",
      title_scheduled: "The show has not started yet", title_ended: "The show has ended", title_cancelled: "This show was cancelled",
      summary: "{likes} likes · {items} products · ran {duration}", summary_short: "{likes} likes · {items} products",
      reason_ended: "The show has ended: buying, chat, likes and promotions are closed.",
      reason_cancelled: "The show was cancelled: nothing can be bought here.",
      reason_scheduled_chat: "Chat and likes open when the show goes live.",
      video_scheduled: "The show starts {when}. Set a reminder and see what is coming.",
      video_live: "Live now. The video plays in Safari and the Zhixiang app; everything else in the room works here.",
      video_broken: "The video is not reaching us right now — the room is still live.",
      video_none: "Live now — the host has not connected a video yet.",
      video_ended: "This show has ended.", video_cancelled: "This show was cancelled.",
      sold_out: "Sold out", only_left: "Only {n} left", in_stock: "{n} in stock", adding: "🛒 {n} adding",
      pinned_tag: "Now showing", added: "Added to cart — checkout when ready", add_failed: "Could not add to cart",
      network: "Network trouble — try again", likes_closed: "Likes open when the show is live",
      session_over: "This live session is over", state_replay: "▶ Replay",
      reason_replay_chat: "This is the replay: chat and likes were for the live.",
      video_replay: "The replay plays in Safari and the Zhixiang app; the products and chapters work here.",
    },
    zh: {
      watching: "人在看", reconnecting: "重新连接中…", remind_me: "开播提醒我", see_lineup: "查看商品",
      now_showing: "正在讲解", buy: "抢购", add: "加购", say_something: "说点什么…", comment: "评论",
      send: "发送", open_bag: "购物袋", like: "点赞", in_this_show: "本场商品", close: "关闭",
      go_checkout: "去结算 →", state_scheduled: "预告", state_live: "● 直播中", state_ended: "已结束",
      state_cancelled: "已取消", starts_at: "{when} 开播", starts_in: "距开播", starting_soon: "即将开播",
      title_scheduled: "直播尚未开始", title_ended: "直播已结束", title_cancelled: "本场直播已取消",
      summary: "{likes} 次点赞 · {items} 件商品 · 时长 {duration}", summary_short: "{likes} 次点赞 · {items} 件商品",
      reason_ended: "直播已结束：购买、评论、点赞和活动均已关闭。",
      reason_cancelled: "直播已取消：本场无法购买。",
      reason_scheduled_chat: "开播后即可评论和点赞。",
      video_scheduled: "{when} 开播。设置提醒，先看看本场商品。",
      video_live: "正在直播。视频可在 Safari 和直享 App 中播放；直播间其他功能在此均可使用。",
      video_broken: "视频暂时无法播放——直播间仍在进行。",
      video_none: "正在直播——主播尚未接入视频。",
      video_ended: "本场直播已结束。", video_cancelled: "本场直播已取消。",
      sold_out: "已售罄", only_left: "仅剩 {n} 件", in_stock: "库存 {n}", adding: "🛒 {n} 人在加购",
      pinned_tag: "讲解中", added: "已加入购物车，可随时结算", add_failed: "加入购物车失败",
      network: "网络不稳定，请重试", likes_closed: "开播后才能点赞",
      session_over: "本场直播已结束", state_replay: "▶ 回放",
      reason_replay_chat: "这是讲解回放：评论和点赞仅在直播时开放。",
      video_replay: "回放可在 Safari 和直享 App 中播放；商品和讲解章节在此均可使用。",
    },
  });

  function item(skuId) {
    for (var i = 0; i < room.lineup.length; i++) if (room.lineup[i].sku_id === skuId) return room.lineup[i];
    return null;
  }

  function isClosed() { return room.state === "ended" || room.state === "cancelled"; }

  // Why buying is closed, or "" while it is open (a scheduled show sells pre-orders).
  function closedReason() { return isClosed() ? zx.t("reason_" + room.state) : ""; }

  function stockText(it) {
    if (it.stock <= 0) return zx.t("sold_out");
    return zx.t(it.stock < 20 ? "only_left" : "in_stock", { n: zx.number(it.stock) });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function thumb(url) {
    var img = el("img", "thumb");
    img.alt = ""; img.loading = "lazy"; img.decoding = "async"; img.src = url;
    return img;
  }

  // The pinned SKU first, then the show's order.
  function ordered() {
    var list = room.lineup.slice();
    list.sort(function (a, b) { return (b.sku_id === room.pinned) - (a.sku_id === room.pinned); });
    return list;
  }

  function lineupRow(it) {
    var li = el("li", "lineup-item" + (it.sku_id === room.pinned ? " is-pinned" : ""));
    li.dataset.sku = it.sku_id;
    if (it.image_url) li.append(thumb(it.image_url));
    var info = el("div", "item-info");
    if (it.sku_id === room.pinned) info.append(el("div", "item-tag", zx.t("pinned_tag")));
    info.append(el("div", "item-title", it.title));
    var meta = el("div", "item-meta"), price = el("span", "price", zx.money(it.price_minor, it.currency));
    if (it.list_price_minor > it.price_minor) price.append(" ", el("s", "muted", zx.money(it.list_price_minor, it.currency)));
    var n = room.carts[it.sku_id] || 0;
    meta.append(price, el("span", "stock", stockText(it)), el("span", "carting", n ? zx.t("adding", { n: zx.number(n) }) : ""));
    info.append(meta);
    var btn = el("button", "cart-btn small", zx.t("add"));
    btn.type = "button";
    btn.dataset.sku = it.sku_id;
    disable(btn, it.stock <= 0, it.stock <= 0 ? zx.t("sold_out") : "");
    btn.addEventListener("click", function () { addToCart(it.sku_id); });
    li.append(info, btn);
    return li;
  }

  function renderLineup() {
    $("lineup").replaceChildren.apply($("lineup"), ordered().map(lineupRow));
    $("bag-count").textContent = zx.number(room.lineup.length);
    renderPreview();
    renderPinned();
  }

  function renderPreview() {
    var list = $("preview");
    list.replaceChildren.apply(list, room.lineup.slice(0, 3).map(function (it) {
      var li = el("li");
      li.append(el("span", "", it.title), el("span", "price", zx.money(it.price_minor, it.currency)));
      return li;
    }));
    list.hidden = room.state !== "scheduled" || !room.lineup.length;
  }

  function renderPinned() {
    var it = room.pinned && (room.state === "live" || room.state === "replay") ? item(room.pinned) : null;
    $("pinned").hidden = !it;
    if (!it) return;
    $("pinned").dataset.sku = it.sku_id;
    $("pinned-title").textContent = it.title;
    $("pinned-price").textContent = zx.money(it.price_minor, it.currency);
    $("pinned-list").textContent = it.list_price_minor > it.price_minor ? zx.money(it.list_price_minor, it.currency) : "";
    $("pinned-stock").textContent = stockText(it);
    $("pinned-img").hidden = !it.image_url;
    if (it.image_url && $("pinned-img").getAttribute("src") !== it.image_url) $("pinned-img").src = it.image_url;
    disable($("pinned-cart"), it.stock <= 0, it.stock <= 0 ? zx.t("sold_out") : "");
  }

  // A closed show disables every control with the reason as its title (and the sheet says it).
  function disable(button, soldOut, why) {
    button.disabled = soldOut || isClosed();
    var reason = closedReason() || why;
    if (reason) button.title = reason; else button.removeAttribute("title");
  }

  function duration(fromIso, toIso) {
    var minutes = Math.max(1, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60000));
    return minutes < 60 ? minutes + " min" : Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function renderStatePanel() {
    var s = room.state, session = room.session;
    $("state-title").textContent = s === "live" ? "" : zx.t("title_" + s);
    $("state-when").textContent = s === "scheduled" ? zx.t("starts_at", { when: zx.when(session.scheduled_start_at) }) :
      s === "ended" && session.ended_at ? zx.when(session.ended_at) : "";
    $("countdown").hidden = s !== "scheduled";
    $("remind-btn").hidden = s !== "scheduled" || !$("reminders");
    $("preview-btn").hidden = s !== "scheduled";
    var summary = $("state-summary");
    summary.hidden = s !== "ended";
    if (s === "ended") {
      var values = { likes: zx.number(room.likes), items: zx.number(room.lineup.length) };
      if (session.started_at && session.ended_at) values.duration = duration(session.started_at, session.ended_at);
      summary.textContent = zx.t(values.duration ? "summary" : "summary_short", values);
    }
    tickCountdown();
  }

  function tickCountdown() {
    clearTimeout(countdownTimer);
    if (room.state !== "scheduled") return;
    var ms = Date.parse(room.session.scheduled_start_at) - Date.now();
    if (!(ms > 0)) { $("countdown").textContent = zx.t("starting_soon"); return; }
    var s = Math.floor(ms / 1000), d = Math.floor(s / 86400), pad = function (n) { return String(n).padStart(2, "0"); };
    $("countdown").textContent = zx.t("starts_in") + " " + (d ? d + "d " : "") +
      pad(Math.floor(s / 3600) % 24) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
    countdownTimer = setTimeout(tickCountdown, 1000);
  }

  function renderControls() {
    var chatClosed = room.state !== "live";
    var why = closedReason() || (chatClosed ? zx.t(room.state === "replay" ? "reason_replay_chat" : "reason_scheduled_chat") : "");
    ["comment-input", "like-btn"].forEach(function (id) {
      $(id).disabled = chatClosed;
      if (why) $(id).title = why; else $(id).removeAttribute("title");
    });
    $("comment-form").querySelector("button").disabled = chatClosed;
    $("closed-reason").textContent = closedReason();
    $("closed-reason").hidden = !isClosed();
    $("checkout-link").hidden = isClosed() || !$("checkout-link").dataset.shown;
  }

  function renderState(state, at) {
    var changed = state !== room.state;
    room.state = state;
    room.session.state = state;
    if (at && state === "live") room.session.started_at = at;
    if (at && state === "ended") room.session.ended_at = at;
    root.dataset.state = state;
    $("state-badge").textContent = zx.t("state_" + state);
    $("state-badge").className = "badge" + (state === "live" || state === "replay" ? " is-live" : "");
    renderStatePanel();
    renderControls();
    renderLineup();
    if (changed) video();
  }

  function setLikes(total) {
    if (total <= room.likes) return; // counters never go backwards
    room.likes = total;
    $("like-count").textContent = zx.number(total);
  }

  function addComment(c) {
    var list = $("comments");
    if (list.querySelector('li[data-id="' + CSS.escape(c.id) + '"]')) return;
    var li = el("li");
    li.dataset.id = c.id;
    li.append(el("b", "", c.author + " "), el("span", "", c.text));
    list.append(li);
    while (list.children.length > 50) list.removeChild(list.firstChild);
    list.scrollTop = list.scrollHeight;
  }

  function notice(text) {
    var box = $("notice");
    box.textContent = text; box.hidden = false;
    clearTimeout(notice.t);
    notice.t = setTimeout(function () { box.hidden = true; }, 3500);
  }

  // "reconnecting" only when the socket has been away for 2 s; the resume itself is silent.
  function quietConn(down) {
    if (!down) { clearTimeout(connTimer); connTimer = null; $("conn").hidden = true; return; }
    if (!connTimer && $("conn").hidden) connTimer = setTimeout(function () { connTimer = null; $("conn").hidden = false; }, RECONNECT_QUIET_MS);
  }

  var handlers = {
    snapshot: function (e) {
      quietConn(false);
      room.lineup = e.lineup; room.pinned = e.pinned_sku_id; room.carts = e.carts || {};
      Object.assign(room.session, e.session);
      setLikes(e.likes);
      $("viewer-count").textContent = zx.number(e.viewers);
      $("comments").textContent = "";
      e.comments.forEach(addComment);
      renderState(e.session.state);
    },
    likes: function (e) { setLikes(e.total); },
    viewers: function (e) { $("viewer-count").textContent = zx.number(e.count); },
    pin: function (e) { room.pinned = e.sku_id; renderLineup(); },
    state: function (e) {
      if (e.state !== "live") room.pinned = null;
      renderState(e.state, e.at || (e.ts ? new Date(e.ts).toISOString() : null));
    },
    stock: function (e) { var it = item(e.sku_id); if (it) { it.stock = e.stock; renderLineup(); } },
    lineup: function (e) { room.lineup = e.items; renderLineup(); },
    carts: function (e) {
      Object.keys(e.counts).forEach(function (k) { room.carts[k] = Math.max(room.carts[k] || 0, e.counts[k]); });
      renderLineup();
    },
    comment: addComment,
    comment_deleted: function (e) {
      var li = $("comments").querySelector('li[data-id="' + CSS.escape(e.id) + '"]');
      if (li) li.remove();
    },
    error: function (e) { notice(e.detail); },
    degraded: function () { quietConn(true); }, // a fresh snapshot follows when the server is back
  };

  function onEvent(e) {
    var handle = handlers[e.type];
    if (handle) handle(e);
    document.dispatchEvent(new CustomEvent("zx:room", { detail: e }));
  }

  function onState(state, reason) {
    root.dataset.connected = state === "open" ? "1" : "";
    if (state === "open") quietConn(false);
    if (state === "reconnecting") quietConn(true);
    if (state === "refused") {
      quietConn(false);
      root.dataset.connected = "final";
      if (!isClosed()) notice(reason || zx.t("session_over"));
    }
  }

  function send(obj) { return socket ? socket.send(obj) : false; }

  // Taps are batched (≤ 50 a message) so a fast finger does not flood the socket.
  function flushLikes() {
    likeTimer = null;
    while (pendingLikes > 0) {
      var n = Math.min(pendingLikes, 50);
      if (!send({ type: "like", count: n })) break;
      pendingLikes -= n;
    }
  }

  function burst() {
    var heart = el("span", "burst", ["❤", "💖", "💗", "✨"][Math.floor(Math.random() * 4)]);
    heart.style.left = Math.random() * 60 + "%";
    $("bursts").append(heart);
    setTimeout(function () { heart.remove(); }, 1200);
  }

  // The real cart (HTTP): its CartItemAdded event is what the room and the funnels count, so the
  // page sends no socket cart signal of its own (that would count the same add twice).
  function addToCart(skuId) {
    var url = "/api/v1/sessions/" + encodeURIComponent(sessionId) + "/cart/items" + (ref ? "?ref=" + encodeURIComponent(ref) : "");
    zx.api("POST", url, { sku_id: skuId, quantity: 1 })
      .then(function () {
        notice(zx.t("added"));
        $("checkout-link").dataset.shown = "1";
        renderControls();
      })
      .catch(function (err) { notice(err.status ? err.message || zx.t("add_failed") : zx.t("network")); });
  }

  function openSheet(open, focusId) {
    root.classList.toggle("sheet-open", open);
    $("sheet-backdrop").hidden = !open;
    $("bag-btn").setAttribute("aria-expanded", String(open));
    if (open && focusId && $(focusId)) $(focusId).scrollIntoView({ block: "start" });
  }

  // HLS plays natively only in Safari; elsewhere the stand-in says what is true for this state.
  // A replay plays its recording, with controls to scrub through it.
  function video() {
    var v = $("video"), replaying = room.state === "replay";
    var src = replaying ? room.session.replay_url : v.dataset.src, hls = /\.m3u8(\?|$)/.test(src || "");
    var playable = (room.state === "live" || replaying) && src && (!hls || v.canPlayType("application/vnd.apple.mpegurl"));
    v.controls = replaying;
    v.hidden = !playable;
    $("video-fallback").hidden = !!playable;
    if (playable) { if (v.getAttribute("src") !== src) v.src = src; return; }
    if (v.getAttribute("src")) { v.pause(); v.removeAttribute("src"); v.load(); }
    var key = room.state === "live" ? (src ? "video_live" : "video_none") : replaying && src ? "video_replay" : "video_" + room.state;
    $("fallback-text").textContent = zx.t(key, { when: zx.when(room.session.scheduled_start_at) });
  }

  function wire() {
    $("like-btn").addEventListener("click", function () {
      if (room.state !== "live") { notice(zx.t("likes_closed")); return; }
      pendingLikes += 1;
      setLikes(room.likes + 1);
      burst();
      if (!likeTimer) likeTimer = setTimeout(flushLikes, 150);
    });
    $("pinned-cart").addEventListener("click", function () { addToCart($("pinned").dataset.sku); });
    $("comment-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var input = $("comment-input"), text = input.value.trim();
      if (text && send({ type: "comment", text: text })) input.value = "";
    });
    $("bag-btn").addEventListener("click", function () { openSheet(!root.classList.contains("sheet-open")); });
    $("sheet-close").addEventListener("click", function () { openSheet(false); });
    $("sheet-backdrop").addEventListener("click", function () { openSheet(false); });
    $("preview-btn").addEventListener("click", function () { openSheet(true, "lineup"); });
    $("remind-btn").addEventListener("click", function () { openSheet(true, "reminders"); });
    $("video").addEventListener("error", function () {
      $("video").hidden = true; $("video-fallback").hidden = false;
      $("fallback-text").textContent = zx.t("video_broken");
    });
    document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") openSheet(false); });
    document.addEventListener("zx:lang", function () { renderState(room.state); });
  }

  function start() {
    root = $("live");
    if (!root) return;
    sessionId = root.dataset.session; ref = root.dataset.ref || "";
    room.session = { state: root.dataset.state, scheduled_start_at: root.dataset.start,
                     started_at: root.dataset.started || null, ended_at: root.dataset.ended || null,
                     replay_url: root.dataset.replay || null };
    wire();
    renderState(root.dataset.state);
    // A group invitation (?group=) or a return from paying a seat (?gb_order=) is in the sheet.
    var query = new URLSearchParams(location.search);
    if (query.get("group") || query.get("gb_order") || query.get("confirm")) openSheet(true, query.get("confirm") ? "reminders" : "groupbuy");
    setInterval(function () { send({ type: "ping" }); }, 25000);
    // After every deferred script ran, so each promotion script hears the first snapshot.
    document.addEventListener("DOMContentLoaded", connect);
  }

  // Also called again when an ended show (whose socket the server closed) becomes a replay.
  function connect() {
    if (socket) socket.close();
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/sessions/" +
      encodeURIComponent(sessionId) + (ref ? "?ref=" + encodeURIComponent(ref) : "");
    socket = zx.roomSocket(url, { onEvent: onEvent, onState: onState });
  }

  // The replay moves the pinned card with the playback position (replay.js).
  function pinAt(skuId) {
    if (room.state !== "replay" || room.pinned === skuId) return;
    room.pinned = skuId;
    renderLineup();
  }

  // What promotion scripts use: the notice toast, the socket, and whether the show is closed.
  window.zxRoom = {
    get sessionId() { return sessionId; },
    get ref() { return ref; },
    notice: notice, send: send,
    state: function () { return room.state; },
    closedReason: closedReason,
    openSheet: openSheet, reconnect: connect, pinAt: pinAt, item: item, video: video,
    session: function () { return room.session; },
  };
  if (document.readyState === "loading") document.addEventListener("readystatechange", function once() {
    if (document.readyState !== "loading") { document.removeEventListener("readystatechange", once); start(); }
  });
  else start();
})();
