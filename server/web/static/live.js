// The live room page: one websocket, a snapshot then events with `seq`; reconnects by itself
// with ?last_seq= so it resumes where it stopped. All user text goes in with textContent.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;
  var sessionId = root.dataset.session, ref = root.dataset.ref || "";
  var $ = function (id) { return document.getElementById(id); };
  var room = { lineup: [], pinned: null, likes: 0, carts: {}, state: "" };
  var lastSeq = null, socket = null, retryMs = 500, pendingLikes = 0, likeTimer = null, stopped = false;

  // Prices are integer minor units: the currency says how many decimals it has.
  function money(minor, currency) {
    var fmt = new Intl.NumberFormat(undefined, { style: "currency", currency: currency });
    var digits = fmt.resolvedOptions().maximumFractionDigits;
    return fmt.format(minor / Math.pow(10, digits));
  }

  function item(skuId) {
    for (var i = 0; i < room.lineup.length; i++) if (room.lineup[i].sku_id === skuId) return room.lineup[i];
    return null;
  }

  function stockText(it) {
    if (it.stock <= 0) return "Sold out";
    return it.stock < 20 ? "Only " + it.stock + " left" : it.stock + " in stock";
  }

  function renderLineup() {
    var list = $("lineup");
    list.textContent = "";
    room.lineup.forEach(function (it) {
      var li = document.createElement("li");
      li.className = "lineup-item" + (it.sku_id === room.pinned ? " is-pinned" : "");
      li.dataset.sku = it.sku_id;
      var info = document.createElement("div");
      var title = document.createElement("div");
      title.className = "item-title"; title.textContent = it.title;
      var meta = document.createElement("div");
      meta.className = "item-meta";
      var price = document.createElement("span");
      price.className = "price"; price.textContent = money(it.price_minor, it.currency);
      var stock = document.createElement("span");
      stock.className = "stock"; stock.textContent = stockText(it);
      var carts = document.createElement("span");
      carts.className = "carting";
      var n = room.carts[it.sku_id] || 0;
      carts.textContent = n ? "🛒 " + n : "";
      meta.append(price, stock, carts);
      info.append(title, meta);
      var btn = document.createElement("button");
      btn.type = "button"; btn.className = "cart-btn small"; btn.textContent = "Add";
      btn.disabled = it.stock <= 0;
      btn.addEventListener("click", function () { addToCart(it.sku_id); });
      li.append(info, btn);
      list.append(li);
    });
    renderPinned();
  }

  function renderPinned() {
    var it = room.pinned ? item(room.pinned) : null;
    $("pinned").hidden = !it;
    if (!it) return;
    $("pinned-title").textContent = it.title;
    $("pinned-price").textContent = money(it.price_minor, it.currency);
    $("pinned-list").textContent = it.list_price_minor > it.price_minor ? money(it.list_price_minor, it.currency) : "";
    $("pinned-stock").textContent = stockText(it);
    $("pinned-cart").disabled = it.stock <= 0;
    $("pinned").dataset.sku = it.sku_id;
  }

  function renderState(state) {
    room.state = state;
    var badge = $("state-badge");
    badge.textContent = state === "live" ? "● LIVE" : state;
    badge.className = "badge" + (state === "live" ? " is-live" : "");
    root.classList.toggle("is-ended", state === "ended" || state === "cancelled");
  }

  function setLikes(total) {
    if (total <= room.likes) return; // counters never go backwards
    room.likes = total;
    $("like-count").textContent = total.toLocaleString();
  }

  function addComment(c) {
    if (document.querySelector('#comments li[data-id="' + CSS.escape(c.id) + '"]')) return;
    var li = document.createElement("li");
    li.dataset.id = c.id;
    var who = document.createElement("b");
    who.textContent = c.author + " ";
    var text = document.createElement("span");
    text.textContent = c.text;
    li.append(who, text);
    var list = $("comments");
    list.append(li);
    while (list.children.length > 50) list.removeChild(list.firstChild);
    list.scrollTop = list.scrollHeight;
  }

  function notice(text) {
    var box = $("notice");
    box.textContent = text; box.hidden = false;
    clearTimeout(notice.t);
    notice.t = setTimeout(function () { box.hidden = true; }, 3000);
  }

  var handlers = {
    snapshot: function (e) {
      $("conn").hidden = true;
      room.lineup = e.lineup; room.pinned = e.pinned_sku_id; room.carts = e.carts || {};
      renderState(e.session.state); setLikes(e.likes);
      $("viewer-count").textContent = e.viewers;
      $("comments").textContent = "";
      e.comments.forEach(addComment);
      renderLineup();
    },
    likes: function (e) { setLikes(e.total); },
    viewers: function (e) { $("viewer-count").textContent = e.count; },
    pin: function (e) { room.pinned = e.sku_id; renderLineup(); },
    state: function (e) { renderState(e.state); if (e.state !== "live") { room.pinned = null; renderLineup(); } },
    stock: function (e) { var it = item(e.sku_id); if (it) { it.stock = e.stock; renderLineup(); } },
    lineup: function (e) { room.lineup = e.items; renderLineup(); },
    carts: function (e) {
      Object.keys(e.counts).forEach(function (k) { room.carts[k] = Math.max(room.carts[k] || 0, e.counts[k]); });
      renderLineup();
    },
    comment: addComment,
    comment_deleted: function (e) {
      var li = document.querySelector('#comments li[data-id="' + CSS.escape(e.id) + '"]');
      if (li) li.remove();
    },
    error: function (e) { notice(e.detail); },
    // The server lost its Redis subscription: show the connection banner until the fresh snapshot.
    degraded: function () { $("conn").hidden = false; },
  };

  function onMessage(msg) {
    var e;
    try { e = JSON.parse(msg.data); } catch (err) { return; }
    if (typeof e.seq === "number" && (lastSeq === null || e.seq > lastSeq || e.type === "snapshot")) lastSeq = e.seq;
    var handle = handlers[e.type];
    if (handle) handle(e);
    // Promotions (coupons, lottery, group-buy, PK…) live in their own scripts and listen here.
    document.dispatchEvent(new CustomEvent("zx:room", { detail: e }));
  }

  function connect() {
    var params = [];
    if (ref) params.push("ref=" + encodeURIComponent(ref));
    if (lastSeq !== null) params.push("last_seq=" + lastSeq);
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/sessions/" +
      encodeURIComponent(sessionId) + (params.length ? "?" + params.join("&") : "");
    socket = new WebSocket(url);
    socket.onopen = function () { retryMs = 500; $("conn").hidden = true; root.dataset.connected = "1"; };
    socket.onmessage = onMessage;
    socket.onclose = function (ev) {
      root.dataset.connected = "";
      if (ev.code === 4404 || ev.code === 4410) { stopped = true; notice(ev.reason || "this live session is over"); return; }
      $("conn").hidden = false;
      setTimeout(connect, retryMs + Math.random() * 300);
      retryMs = Math.min(retryMs * 2, 8000);
    };
  }

  function send(obj) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(obj)); return true; }
    return false;
  }

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
    var heart = document.createElement("span");
    heart.className = "burst";
    heart.textContent = ["❤", "💖", "💗", "✨"][Math.floor(Math.random() * 4)];
    heart.style.left = 20 + Math.random() * 60 + "%";
    $("bursts").append(heart);
    setTimeout(function () { heart.remove(); }, 1200);
  }

  // The real cart (HTTP) — its CartItemAdded event is what the room and the funnels count, so the
  // page sends no socket cart signal of its own (that would count the same add twice).
  function addToCart(skuId) {
    var url = "/api/v1/sessions/" + encodeURIComponent(sessionId) + "/cart/items" +
      (ref ? "?ref=" + encodeURIComponent(ref) : "");
    fetch(url, { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" },
                 body: JSON.stringify({ sku_id: skuId, quantity: 1 }) })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (res.ok) { notice("Added to cart — checkout when ready"); showCheckout(); }
        else { notice(res.body.detail || "Could not add to cart"); }
      })
      .catch(function () { notice("Network trouble — try again"); });
  }

  function showCheckout() {
    var link = $("checkout-link");
    if (link) { link.hidden = false; }
  }

  $("like-btn").addEventListener("click", function () {
    if (room.state !== "live") { notice("Likes open when the show is live"); return; }
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

  // HLS plays natively only in Safari; elsewhere show a friendly stand-in instead of a black box.
  (function video() {
    var v = $("video"), src = v.dataset.src, fallback = $("video-fallback");
    var hls = /\.m3u8(\?|$)/.test(src);
    if (!src || (hls && !v.canPlayType("application/vnd.apple.mpegurl"))) {
      v.hidden = true; fallback.hidden = false;
      if (src) $("fallback-text").textContent = "Live video plays in Safari and the Zhixiang app — the room is live here.";
      return;
    }
    v.src = src;
    v.addEventListener("error", function () {
      v.hidden = true; fallback.hidden = false;
      $("fallback-text").textContent = "The video is not reaching us right now — the room is still live.";
    });
  })();

  setInterval(function () { if (!stopped) send({ type: "ping" }); }, 25000);
  // What promotion scripts may use: they run after this one (defer keeps document order).
  window.zxRoom = { sessionId: sessionId, ref: ref, money: money, notice: notice, send: send,
                    state: function () { return room.state; } };
  connect();
})();
