// The brand console: the room's stream over the console socket (cookie auth) plus per-SKU sales;
// pin, unpin, go live and end call the API with the same cookie.
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) return;
  var sessionId = root.dataset.session;
  var $ = function (id) { return document.getElementById(id); };
  var room = { lineup: [], pinned: null, likes: 0, carts: {}, orders: {} };
  var lastSeq = null, retryMs = 500;

  function money(minor, currency) {
    var fmt = new Intl.NumberFormat(undefined, { style: "currency", currency: currency });
    return fmt.format(minor / Math.pow(10, fmt.resolvedOptions().maximumFractionDigits));
  }
  function sum(map) { return Object.keys(map).reduce(function (a, k) { return a + map[k]; }, 0); }
  function notice(text) {
    var box = $("console-notice"); box.textContent = text; box.hidden = false;
    clearTimeout(notice.t); notice.t = setTimeout(function () { box.hidden = true; }, 4000);
  }
  function cell(text, cls) { var td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; return td; }

  function render() {
    var rows = $("lineup-rows");
    rows.textContent = "";
    room.lineup.forEach(function (it) {
      var tr = document.createElement("tr");
      tr.dataset.sku = it.sku_id;
      if (it.sku_id === room.pinned) tr.className = "is-pinned";
      var action = document.createElement("td");
      var pin = document.createElement("button");
      pin.type = "button"; pin.className = "small pin-btn";
      pin.textContent = it.sku_id === room.pinned ? "Pinned" : "Pin";
      pin.disabled = it.sku_id === room.pinned;
      pin.addEventListener("click", function () { api("PUT", "/pin", { sku_id: it.sku_id }); });
      action.append(pin);
      tr.append(cell(it.title), cell(money(it.price_minor, it.currency), "num"), cell(String(it.stock), "num"),
        cell(String(room.carts[it.sku_id] || 0), "num"), cell(String(room.orders[it.sku_id] || 0), "num"), action);
      rows.append(tr);
    });
    $("carts-total").textContent = sum(room.carts);
    $("orders-total").textContent = sum(room.orders);
  }

  function addComment(c) {
    var li = document.createElement("li");
    li.dataset.id = c.id;
    var who = document.createElement("b"); who.textContent = c.author + " ";
    var text = document.createElement("span"); text.textContent = c.text;
    var del = document.createElement("button");
    del.type = "button"; del.className = "del"; del.textContent = "remove";
    del.addEventListener("click", function () { api("DELETE", "/comments/" + encodeURIComponent(c.id)); });
    li.append(who, text, del);
    $("console-comments").append(li);
  }

  function setState(s) {
    $("state").textContent = s;
    $("state").className = "badge" + (s === "live" ? " is-live" : "");
    $("go-live").disabled = s !== "scheduled";
    $("end").disabled = s !== "live";
    $("unpin").disabled = s !== "live";
  }

  var handlers = {
    snapshot: function (e) {
      room.lineup = e.lineup; room.pinned = e.pinned_sku_id; room.carts = e.carts || {};
      room.likes = Math.max(room.likes, e.likes); $("likes").textContent = room.likes;
      $("viewers").textContent = e.viewers; setState(e.session.state);
      $("console-comments").textContent = ""; e.comments.forEach(addComment); render();
    },
    likes: function (e) { room.likes = Math.max(room.likes, e.total); $("likes").textContent = room.likes; },
    viewers: function (e) { $("viewers").textContent = e.count; },
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

  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/console/sessions/" +
      encodeURIComponent(sessionId) + (lastSeq !== null ? "?last_seq=" + lastSeq : "");
    var socket = new WebSocket(url);
    socket.onopen = function () { retryMs = 500; root.dataset.connected = "1"; };
    socket.onmessage = function (msg) {
      var e = JSON.parse(msg.data);
      if (typeof e.seq === "number") lastSeq = e.seq;
      if (handlers[e.type]) handlers[e.type](e);
      document.dispatchEvent(new CustomEvent("zx:room", { detail: e }));  // promotion panels listen here
    };
    socket.onclose = function (ev) {
      root.dataset.connected = "";
      if (ev.code >= 4400 && ev.code < 4410) { notice(ev.reason || "not allowed"); return; }
      setTimeout(connect, retryMs); retryMs = Math.min(retryMs * 2, 8000);
    };
  }

  function api(method, path, body) {
    return fetch("/api/v1/sessions/" + encodeURIComponent(sessionId) + path, {
      method: method, credentials: "same-origin",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      if (!r.ok) return r.json().then(function (p) { notice(p.detail || p.title || "failed"); });
    });
  }

  $("go-live").addEventListener("click", function () { api("POST", "/state", { state: "live" }); });
  $("end").addEventListener("click", function () { if (confirm("End this live session?")) api("POST", "/state", { state: "ended" }); });
  $("unpin").addEventListener("click", function () { api("DELETE", "/pin"); });
  // What promotion panels may use (their scripts are deferred after this one).
  window.zxConsole = { sessionId: sessionId, brandId: root.dataset.brand, money: money, notice: notice };
  connect();
})();
