// The replay (讲解回放): when the room is a replay, it loads the recorded moments and chapters
// (GET /api/v1/sessions/{id}/replay), moves the pinned SKU card with the playback position and
// jumps to a SKU's explanation from its chapter. While the show is merely ended, it asks now and
// then whether a recording was attached, and reconnects the room when it was (no reload).
(function () {
  "use strict";
  var POLL_FIRST_MS = 5000, POLL_MAX_MS = 60000;
  var $ = function (id) { return document.getElementById(id); };
  var replay = null, sought = 0, pollMs = POLL_FIRST_MS, pollTimer = null;

  zx.strings({
    en: { chapters: "Explanations", jump_to: "Jump to {title} at {at}", price_then: "In the show: {price}",
          sold_out_then: "sold out in the show", replay_live_price: "live price until {when}",
          replay_list_price: "at the list price" },
    zh: { chapters: "讲解章节", jump_to: "跳到 {at} 讲解的 {title}", price_then: "讲解时 {price}",
          sold_out_then: "直播中已售罄", replay_live_price: "直播价保留至 {when}", replay_list_price: "按原价销售" },
  });

  function clock(ms) {
    var s = Math.floor(ms / 1000), pad = function (n) { return String(n).padStart(2, "0"); };
    return (s >= 3600 ? Math.floor(s / 3600) + ":" : "") + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }

  // The playing position; before the media has loaded, the one last jumped to.
  function position() {
    var v = $("video");
    return v.readyState >= 1 && !v.hidden ? v.currentTime * 1000 : sought;
  }

  // The last moment of `kind` (for `skuId`, if given) at or before `at`.
  function lastMoment(kind, at, skuId) {
    var found = null;
    (replay ? replay.moments : []).forEach(function (m) {
      if (m.offset_ms <= at && m.kind === kind && (skuId === undefined || m.sku_id === skuId)) found = m;
    });
    return found;
  }

  function update() {
    if (!replay || zxRoom.state() !== "replay") return;
    var at = position(), pin = lastMoment("pin", at);
    zxRoom.pinAt(pin ? pin.sku_id : null);
    var sku = pin && pin.sku_id, price = sku && lastMoment("price", at, sku), gone = sku && lastMoment("sold_out", at, sku);
    var then = [];
    if (price) then.push(zx.t("price_then", { price: zx.money(price.detail.price_minor, price.detail.currency) }));
    if (gone) then.push(zx.t("sold_out_then"));
    $("pinned-then").textContent = then.join(" · ");
    $("pinned-then").hidden = !then.length;
    $("chapter-list").querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-current", String(b.dataset.sku === sku)); });
  }

  function jump(offsetMs) {
    sought = offsetMs;
    var v = $("video");
    if (v.readyState >= 1) v.currentTime = offsetMs / 1000;
    update();
  }

  function chapterButton(c) {
    var li = document.createElement("li"), b = document.createElement("button"), at = clock(c.offset_ms);
    var time = document.createElement("time"), title = document.createElement("span");
    b.type = "button"; b.className = "chapter-btn"; b.dataset.sku = c.sku_id; b.dataset.offset = c.offset_ms;
    b.setAttribute("aria-label", zx.t("jump_to", { title: c.title, at: at }));
    time.textContent = at; title.textContent = c.title;
    b.append(time, title);
    b.addEventListener("click", function () { jump(c.offset_ms); });
    li.append(b);
    return li;
  }

  function render() {
    var on = !!replay && zxRoom.state() === "replay";
    $("chapters").hidden = !on || !replay.chapters.length;
    if (!on) return;
    $("chapter-list").replaceChildren.apply($("chapter-list"), replay.chapters.map(chapterButton));
    $("replay-price").textContent = replay.live_price_until ?
      zx.t("replay_live_price", { when: zx.when(replay.live_price_until) }) : zx.t("replay_list_price");
    update();
  }

  function load() {
    return zx.api("GET", "/api/v1/sessions/" + encodeURIComponent(zxRoom.sessionId) + "/replay").then(function (r) {
      if (r.state !== "replay") return r;
      replay = r;
      zxRoom.session().replay_url = r.replay_url;
      zxRoom.video();
      render();
      return r;
    });
  }

  // An ended show's socket is closed by the server: ask, less and less often, for its replay.
  function poll() {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(function () {
      load().then(function (r) {
        if (r.state === "replay") zxRoom.reconnect(); else if (r.state === "ended") { pollMs = Math.min(pollMs * 2, POLL_MAX_MS); poll(); }
      }, poll);
    }, pollMs);
  }

  document.addEventListener("zx:room", function (ev) {
    var e = ev.detail, state = e.type === "snapshot" ? e.session.state : e.type === "state" ? e.state : null;
    if (state === "replay") { if (replay) render(); else load(); }
    else if (state === "ended") poll();
    if (e.type === "pin" || e.type === "lineup" || e.type === "stock") update();
  });
  document.addEventListener("zx:lang", render);
  document.addEventListener("DOMContentLoaded", function () {
    ["timeupdate", "seeked", "loadedmetadata"].forEach(function (name) { $("video").addEventListener(name, update); });
  });
})();
