// The brand's schedule: sessions listed newest first; schedule one; pick one to edit its details,
// build its line-up from the catalogue (live price, units for the session) and move it through
// go live → end, or cancel it, each after a confirmation. All through the API.
(function () {
  "use strict";
  var root = document.getElementById("schedule");
  if (!root) return;
  var brandId = root.dataset.brand, currency = root.dataset.currency;
  var $ = function (id) { return document.getElementById(id); };
  var state = { cursor: null, selected: null };

  zx.strings({
    en: {
      schedule: "Schedule", forbidden: "The schedule is for brand and admin tokens.",
      pick_brand: "Open it as /console/schedule?brand=brd_… (admin).", new_session: "Schedule a session",
      load_more: "Load more", title: "Title", starts: "Starts", cover_url: "Cover image URL",
      playback_url: "Playback URL (HLS or MP4)", save: "Save", cancel: "Cancel", go_live: "Go live", end: "End",
      cancel_session: "Cancel session", open_console: "Open the live console ↗", open_dashboard: "Live dashboard ↗", lineup: "Line-up",
      lineup_empty: "Nothing in the line-up yet.", sku: "SKU", live_price: "Live price (optional)",
      limited_quantity: "Units for this session (optional)", add_to_lineup: "Add to line-up", remove: "Remove",
      state_scheduled: "scheduled", state_live: "live", state_ended: "ended", state_cancelled: "cancelled",
      confirm_live: "Go live now? Viewers and partners' links see the session as live.",
      confirm_end: "End the live session? It cannot go live again.",
      confirm_cancel: "Cancel this session? It cannot be scheduled again.", saved: "Saved.",
      bad_price: "Enter a price such as 12.50", bad_units: "Enter a whole number of units",
      line_detail: "{code} · {price} · {stock} in stock{limit}", limit: " · {n} for this session",
      no_skus: "No active SKU: add one in the catalogue first.", state_replay: "replay",
      replay_url: "Recording URL for the replay (HLS or MP4)", attach_replay: "Make it a replay",
      replay_attached: "The room is a replay now: it sells again, and partners' links keep earning.",
    },
    zh: {
      schedule: "场次排期", forbidden: "排期仅供品牌和管理员令牌使用。",
      pick_brand: "管理员请以 /console/schedule?brand=brd_… 打开。", new_session: "新建直播场次",
      load_more: "加载更多", title: "标题", starts: "开播时间", cover_url: "封面图片链接",
      playback_url: "播放地址（HLS 或 MP4）", save: "保存", cancel: "取消", go_live: "开播", end: "结束直播",
      cancel_session: "取消场次", open_console: "打开直播中控 ↗", open_dashboard: "直播大屏 ↗", lineup: "直播商品",
      lineup_empty: "还没有添加商品。", sku: "商品", live_price: "直播价（可选）",
      limited_quantity: "本场限量（可选）", add_to_lineup: "加入直播商品", remove: "移除",
      state_scheduled: "待开播", state_live: "直播中", state_ended: "已结束", state_cancelled: "已取消",
      confirm_live: "现在开播？观众和分销链接将看到直播已开始。",
      confirm_end: "结束直播？结束后不能再次开播。",
      confirm_cancel: "取消该场次？取消后不能恢复。", saved: "已保存。",
      bad_price: "请输入价格，如 12.50", bad_units: "请输入整数件数",
      line_detail: "{code} · {price} · 库存 {stock}{limit}", limit: " · 本场限量 {n}",
      no_skus: "没有在售商品：请先在商品库添加。", state_replay: "回放",
      replay_url: "回放录像地址（HLS 或 MP4）", attach_replay: "生成讲解回放",
      replay_attached: "直播间已变为回放：继续销售，分销链接继续计佣。",
    },
  });

  // ---- small helpers -------------------------------------------------------------------------
  // datetime-local ⇄ ISO with the browser's offset (the API wants a time zone)
  function toLocalInput(iso) {
    var d = new Date(iso), pad = function (n) { return String(n).padStart(2, "0"); };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function fromLocalInput(value) { return value ? new Date(value).toISOString() : null; }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function notice(text, ok) { zx.notice($("notice"), text, { ok: ok, hideAfterMs: 5000 }); }
  var showErrors = zx.showErrors, clearErrors = zx.clearErrors;

  // ---- sessions ------------------------------------------------------------------------------
  function loadSessions(reset) {
    if (reset) { state.cursor = null; $("sessions").textContent = ""; }
    var params = new URLSearchParams({ limit: "20" });
    if (state.cursor) params.set("cursor", state.cursor);
    return zx.api("GET", "/api/v1/brands/" + encodeURIComponent(brandId) + "/sessions?" + params).then(function (page) {
      page.items.forEach(function (s) { $("sessions").appendChild(sessionItem(s)); });
      state.cursor = page.next_cursor; $("more").hidden = !page.next_cursor;
    });
  }
  function sessionItem(s) {
    var li = el("li"), a = el("a");
    a.href = "?session=" + encodeURIComponent(s.id); a.dataset.session = s.id;
    a.appendChild(el("span", "", s.title + " "));
    a.appendChild(el("span", "state state-" + s.state, zx.t("state_" + s.state)));
    a.appendChild(el("small", "", zx.when(s.scheduled_start_at)));
    a.addEventListener("click", function (e) { e.preventDefault(); select(s.id); });
    li.appendChild(a);
    return li;
  }

  function select(sessionId) {
    history.replaceState(null, "", "?session=" + encodeURIComponent(sessionId));
    document.querySelectorAll("#sessions a").forEach(function (a) {
      if (a.dataset.session === sessionId) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    return Promise.all([
      zx.api("GET", "/api/v1/sessions/" + encodeURIComponent(sessionId)),
      zx.api("GET", "/api/v1/sessions/" + encodeURIComponent(sessionId) + "/lineup"),
    ]).then(function (both) { show(both[0]); showLineup(both[1].items); });
  }

  function show(s) {
    state.selected = s;
    $("setup").hidden = false;
    $("setup-title").textContent = s.title;
    $("setup-state").textContent = zx.t("state_" + s.state);
    $("setup-state").className = "state state-" + s.state;
    var form = $("details");
    clearErrors(form);
    form.title.value = s.title;
    form.scheduled_start_at.value = toLocalInput(s.scheduled_start_at);
    form.cover_url.value = s.cover_url || ""; form.playback_url.value = s.playback_url || "";
    var closed = s.state === "ended" || s.state === "cancelled" || s.state === "replay";
    Array.prototype.forEach.call(form.elements, function (f) { f.disabled = closed; });
    // An ended show gets its recording (a replay may get a new one).
    $("replay-form").hidden = s.state !== "ended" && s.state !== "replay";
    $("replay-form").playback_url.value = s.replay_url || "";
    $("go-live").disabled = s.state !== "scheduled";
    $("end").disabled = s.state !== "live";
    $("cancel").disabled = s.state !== "scheduled";
    $("add-line").hidden = closed;
    $("open-console").href = "/console?session=" + encodeURIComponent(s.id);
    $("open-dashboard").href = "/console/sessions/" + encodeURIComponent(s.id) + "/dashboard";
  }

  $("details").addEventListener("submit", function (e) {
    e.preventDefault();
    var form = e.target, body = { title: form.title.value.trim(), scheduled_start_at: fromLocalInput(form.scheduled_start_at.value) };
    if (form.cover_url.value.trim()) body.cover_url = form.cover_url.value.trim();
    if (form.playback_url.value.trim()) body.playback_url = form.playback_url.value.trim();
    clearErrors(form);
    zx.api("PATCH", "/api/v1/sessions/" + encodeURIComponent(state.selected.id), body)
      .then(function (s) { show(s); notice(zx.t("saved"), true); return loadSessions(true); })
      .catch(function (error) { showErrors(form, error); });
  });

  function transition(target, question) {
    if (!confirm(zx.t(question))) return;
    zx.api("POST", "/api/v1/sessions/" + encodeURIComponent(state.selected.id) + "/state", { state: target })
      .then(function (s) { show(s); return loadSessions(true).then(function () { return select(s.id); }); })
      .catch(function (error) { notice(error.message); });
  }
  $("replay-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var form = e.target;
    clearErrors(form);
    zx.api("PUT", "/api/v1/sessions/" + encodeURIComponent(state.selected.id) + "/replay", { playback_url: form.playback_url.value.trim() })
      .then(function (s) { show(s); notice(zx.t("replay_attached"), true); return loadSessions(true); })
      .catch(function (error) { showErrors(form, error); });
  });
  $("go-live").addEventListener("click", function () { transition("live", "confirm_live"); });
  $("end").addEventListener("click", function () { transition("ended", "confirm_end"); });
  $("cancel").addEventListener("click", function () { transition("cancelled", "confirm_cancel"); });

  // ---- the line-up ---------------------------------------------------------------------------
  function showLineup(items) {
    var list = $("lineup");
    list.textContent = "";
    items.forEach(function (item) { list.appendChild(lineItem(item)); });
    $("lineup-empty").hidden = items.length > 0;
    var closed = ["ended", "cancelled", "replay"].indexOf(state.selected.state) >= 0;
    list.querySelectorAll("button").forEach(function (b) { b.disabled = closed; });
    return fillSkuPicker(items);
  }
  function lineItem(item) {
    var li = el("li");
    li.dataset.sku = item.sku_id;
    li.appendChild(el("b", "", item.title));
    var limit = item.limited_quantity === null ? "" : zx.t("limit", { n: zx.number(item.limited_quantity) });
    li.appendChild(el("small", "", zx.t("line_detail", {
      code: item.code, price: zx.money(item.price_minor, item.currency), stock: zx.number(item.stock), limit: limit,
    })));
    var remove = el("button", "secondary small", zx.t("remove"));
    remove.type = "button";
    remove.addEventListener("click", function () {
      zx.api("DELETE", "/api/v1/sessions/" + encodeURIComponent(state.selected.id) + "/lineup/" + encodeURIComponent(item.sku_id))
        .then(function () { return select(state.selected.id); })
        .catch(function (error) { notice(error.message); });
    });
    li.appendChild(remove);
    return li;
  }
  function fillSkuPicker(items) {
    var inLineup = {}, picker = $("add-line").sku_id;
    items.forEach(function (i) { inLineup[i.sku_id] = true; });
    var url = "/api/v1/brands/" + encodeURIComponent(brandId) + "/skus?status=active&limit=200";
    return zx.api("GET", url).then(function (page) {
      picker.textContent = "";
      page.items.filter(function (s) { return !inLineup[s.id]; }).forEach(function (s) {
        var option = el("option", "", s.title + " · " + s.code + " · " + zx.money(s.price_minor, s.currency));
        option.value = s.id; picker.appendChild(option);
      });
      if (!picker.options.length) $("add-line").querySelector('[data-for="sku_id"]').textContent = zx.t("no_skus");
    });
  }

  $("add-line").addEventListener("submit", function (e) {
    e.preventDefault();
    var form = e.target, body = { sku_id: form.sku_id.value, position: $("lineup").children.length };
    clearErrors(form);
    if (form.live_price.value.trim()) {
      body.live_price_minor = zx.toMinor(form.live_price.value, currency);
      if (body.live_price_minor === null) { form.querySelector('[data-for="live_price_minor"]').textContent = zx.t("bad_price"); return; }
    }
    if (form.limited_quantity.value.trim()) {
      if (!/^\d+$/.test(form.limited_quantity.value.trim())) { form.querySelector('[data-for="limited_quantity"]').textContent = zx.t("bad_units"); return; }
      body.limited_quantity = Number(form.limited_quantity.value.trim());
    }
    zx.api("POST", "/api/v1/sessions/" + encodeURIComponent(state.selected.id) + "/lineup", body)
      .then(function () { form.reset(); return select(state.selected.id); })
      .catch(function (error) { showErrors(form, error); });
  });

  // ---- scheduling a new session -----------------------------------------------------------
  var dialog = $("session-dialog"), newForm = $("session-form");
  $("new-session").addEventListener("click", function () {
    newForm.reset(); clearErrors(newForm);
    newForm.scheduled_start_at.value = toLocalInput(new Date(Date.now() + 3600e3).toISOString());
    dialog.showModal(); newForm.title.focus();
  });
  $("session-cancel").addEventListener("click", function () { dialog.close(); });
  newForm.addEventListener("submit", function (e) {
    e.preventDefault(); clearErrors(newForm);
    var body = { title: newForm.title.value.trim(), scheduled_start_at: fromLocalInput(newForm.scheduled_start_at.value) };
    zx.api("POST", "/api/v1/brands/" + encodeURIComponent(brandId) + "/sessions", body)
      .then(function (s) { dialog.close(); return loadSessions(true).then(function () { return select(s.id); }); })
      .catch(function (error) { showErrors(newForm, error); });
  });
  $("more").addEventListener("click", function () { loadSessions(false); });
  document.addEventListener("zx:lang", function () {
    loadSessions(true).then(function () { if (state.selected) return select(state.selected.id); });
  });

  var asked = new URLSearchParams(location.search).get("session");
  loadSessions(true).then(function () { if (asked) return select(asked); })
    .catch(function (error) { alert(error.message); });
})();
