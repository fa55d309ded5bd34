// The live dashboard (直播大屏) and the session report. The dashboard loads the figures once, then
// follows the console socket (?feed=dashboard): the server pushes the whole dashboard when it
// changes, and the room's own viewers events update "online now" at once. Each minute is drawn
// at its start and the axis runs to the end of the last one, so a pin in it is marked. The report
// loads once (the session is over) and offers CSV and print. Charts are uPlot, served by the app.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root) return;
  var sessionId = root.dataset.session, mode = root.dataset.mode;
  var $ = function (id) { return document.getElementById(id); };
  var data = null, charts = {}, liveOnline = null;

  zx.strings({
    en: {
      dashboard: "Live dashboard", report: "Session report", open_console: "Live console", open_report: "Report",
      open_dashboard: "Live dashboard", csv: "Export CSV", print: "Print", forbidden: "The dashboard is for brand and admin tokens.",
      not_found: "No such session, or it is not yours.",
      f_gmv: "GMV (paid, net of refunds)", f_paid_orders: "Paid orders", f_paid_buyers: "Paid buyers",
      f_conversion: "Conversion", f_online: "Online now", f_avg_watch: "Average watch time",
      f_likes_per_min: "Likes / min", f_comments_per_min: "Comments / min", f_uv_value: "GMV per viewer (UV value)",
      f_cart_adds: "Cart adds", c_online: "Online viewers per minute", c_gmv: "GMV per minute", c_orders: "Orders per minute",
      c_likes: "Likes per minute", top_skus: "Top SKUs", sku: "SKU", gmv: "GMV", units: "Units", buyers: "Buyers",
      pinned: "Pinned", pin_conversion: "Conversion from pin", partners: "Partner leaderboard",
      partner_funnel: "Each partner's funnel ↗", partner: "Partner", orders: "Orders", commission: "Commission (ledger)",
      clicks: "Clicks", links: "Per link", link: "Link", pins: "Pins", unpinned: "unpinned",
      peak: "peak {n}", conv_sub: "{carted} carted of {viewers} viewers · {paid} of carts paid", viewers_n: "{n} viewers",
      vs: "5 min: {last} vs {prev}", new_: "new", none: "Nothing sold yet.", no_partners: "No partner activity yet.",
      live: "live", connecting: "connecting…", refused: "not allowed", started: "started {t}", ended: "ended {t}",
      min_s: "{m} min {s} s", likes_total: "{n} likes in all", comments_total: "{n} comments in all",
      cart_sub: "{n} visitors carted",
    },
    zh: {
      dashboard: "直播大屏", report: "场次复盘", open_console: "直播中控", open_report: "复盘报告",
      open_dashboard: "直播大屏", csv: "导出 CSV", print: "打印", forbidden: "大屏仅限品牌和管理员令牌。",
      not_found: "没有这个场次，或不属于你。",
      f_gmv: "成交额（已付，扣除退款）", f_paid_orders: "支付订单", f_paid_buyers: "支付人数",
      f_conversion: "转化率", f_online: "实时在线", f_avg_watch: "平均观看时长",
      f_likes_per_min: "每分钟点赞", f_comments_per_min: "每分钟评论", f_uv_value: "UV 价值",
      f_cart_adds: "加购件数", c_online: "每分钟在线人数", c_gmv: "每分钟成交额", c_orders: "每分钟订单",
      c_likes: "每分钟点赞", top_skus: "商品排行", sku: "商品", gmv: "成交额", units: "件数", buyers: "买家",
      pinned: "讲解时长", pin_conversion: "讲解转化率", partners: "分销伙伴排行",
      partner_funnel: "各伙伴漏斗 ↗", partner: "伙伴", orders: "订单", commission: "佣金（入账）",
      clicks: "点击", links: "按链接", link: "链接", pins: "讲解记录", unpinned: "取消讲解",
      peak: "峰值 {n}", conv_sub: "{viewers} 观众中 {carted} 人加购 · 加购后支付 {paid}", viewers_n: "{n} 位观众",
      vs: "近5分钟 {last}，前5分钟 {prev}", new_: "新增", none: "暂无成交。", no_partners: "暂无伙伴数据。",
      live: "实时", connecting: "连接中…", refused: "无权限", started: "开播 {t}", ended: "结束 {t}",
      min_s: "{m} 分 {s} 秒", likes_total: "累计 {n} 赞", comments_total: "累计 {n} 条评论",
      cart_sub: "{n} 人加购",
    },
  });

  function pct(x) { return new Intl.NumberFormat(zx.lang() === "zh" ? "zh-CN" : "en", { style: "percent", maximumFractionDigits: 1 }).format(x); }
  function money(minor) { return zx.money(minor, data.currency); }
  function major(minor) { return Number(zx.fromMinor(minor, data.currency)); }
  function notice(text) { var box = $("d-notice"); box.textContent = text; box.hidden = !text; }

  // ---- the headline figures ------------------------------------------------------------------
  function delta(win, show) {
    if (!win) return { text: "", cls: "" };
    var arrow = win.last > win.previous ? "▲ " : win.last < win.previous ? "▼ " : "";
    var change = win.previous ? arrow + pct((win.last - win.previous) / win.previous) : (win.last ? "▲ " + zx.t("new_") : "");
    return { text: (change ? change + " · " : "") + zx.t("vs", { last: show(win.last), prev: show(win.previous) }),
      cls: win.last > win.previous ? "up" : win.last < win.previous ? "down" : "" };
  }

  function tile(key, raw, value, sub, win, show) {
    var el = $("t-" + key);
    var changed = el.dataset.raw !== undefined && el.dataset.raw !== String(raw);
    el.dataset.raw = String(raw);
    el.querySelector(".value").textContent = value;
    el.querySelector(".sub").textContent = sub || "";
    var d = delta(win, show || zx.number);
    var small = el.querySelector(".delta");
    small.textContent = d.text; small.className = "delta " + d.cls;
    if (changed) { el.classList.remove("changed"); void el.offsetWidth; el.classList.add("changed"); }
  }

  function watch(seconds) { return zx.t("min_s", { m: Math.floor(seconds / 60), s: seconds % 60 }); }

  function renderTiles() {
    var f = data.figures, w = data.windows, c = f.conversion;
    var online = liveOnline !== null && data.state === "live" ? liveOnline : f.online_now;
    tile("gmv", f.gmv_minor, money(f.gmv_minor), "", w.gmv_minor, money);
    tile("paid_orders", f.paid_orders, zx.number(f.paid_orders), "", w.orders);
    tile("paid_buyers", f.paid_buyers, zx.number(f.paid_buyers), "", w.buyers);
    tile("conversion", c.viewer_to_paid, pct(c.viewer_to_paid),
      zx.t("conv_sub", { carted: f.carting_visitors, viewers: f.viewers, paid: pct(c.cart_to_paid) }), w.conversion, pct);
    tile("online", online, zx.number(online), zx.t("peak", { n: zx.number(Math.max(f.online_peak, online)) }), w.online);
    tile("avg_watch", f.avg_watch_s, watch(f.avg_watch_s), zx.t("viewers_n", { n: zx.number(f.viewers) }), w.avg_watch_s, watch);
    tile("likes_per_min", f.likes_per_min, zx.number(f.likes_per_min), zx.t("likes_total", { n: zx.number(f.likes) }), w.likes);
    tile("comments_per_min", f.comments_per_min, zx.number(f.comments_per_min),
      zx.t("comments_total", { n: zx.number(f.comments) }), w.comments);
    tile("uv_value", f.uv_value_minor, money(f.uv_value_minor), zx.t("viewers_n", { n: zx.number(f.viewers) }), w.uv_value_minor, money);
    tile("cart_adds", f.cart_adds, zx.number(f.cart_adds), zx.t("cart_sub", { n: zx.number(f.carting_visitors) }), w.cart_adds);
  }

  // ---- the curves ----------------------------------------------------------------------------
  var CURVES = {
    online: function (s) { return s.online; },
    gmv: function (s) { return s.gmv_minor.map(major); },
    orders: function (s) { return s.orders; },
    likes: function (s) { return s.likes; },
  };
  var COLORS = { online: "#4ea8ff", gmv: "#ff4d6d", orders: "#3ecf8e", likes: "#f5a524" };

  function pinMarks(u) {
    u.over.querySelectorAll(".pin-mark").forEach(function (el) { el.remove(); });
    var labelledAt = -Infinity;  // dense pins keep their lines; a label only where there is room
    (data ? data.pins : []).forEach(function (pin) {
      if (!pin.sku_id) return;
      var x = u.valToPos(Date.parse(pin.at) / 1000, "x");
      if (!(x >= 0 && x <= u.over.clientWidth)) return;
      var mark = document.createElement("div");
      mark.className = "pin-mark"; mark.style.left = x + "px"; mark.style.height = "100%";
      mark.title = pin.title || pin.sku_id;
      if (x - labelledAt > 110) {
        var label = document.createElement("span"); label.textContent = pin.title || pin.sku_id;
        mark.append(label); labelledAt = x;
      }
      u.over.append(mark);
    });
    u.root.parentElement.dataset.pins = String(u.over.querySelectorAll(".pin-mark").length);
  }

  function axisColor() { return getComputedStyle(document.documentElement).getPropertyValue("--muted").trim() || "#9aa3b2"; }

  function makeChart(key, el, xs, ys) {
    var axis = { stroke: axisColor(), grid: { stroke: "#ffffff14" }, ticks: { stroke: "#ffffff22" } };
    var opts = {
      width: Math.max(el.clientWidth, 200), height: 200, legend: { show: false }, cursor: { y: false },
      scales: { x: { time: true, range: function (u, min, max) { return [min, max + 60]; } }, y: { range: function (u, min, max) { return [Math.min(0, min) * 1.1, Math.max(max, 1) * 1.1]; } } },
      axes: [Object.assign({}, axis), Object.assign({ size: 56 }, axis)],
      series: [{}, { label: zx.t("c_" + key), stroke: COLORS[key], width: 2, fill: COLORS[key] + "22", points: { show: xs.length < 3 } }],
      hooks: { draw: [pinMarks] },
    };
    return new uPlot(opts, [xs, ys], el);
  }

  function renderCharts() {
    var s = data.series, xs = s.minutes.map(function (m) { return Date.parse(m) / 1000; });
    Object.keys(CURVES).forEach(function (key) {
      var el = $("chart-" + key), ys = CURVES[key](s);
      el.dataset.points = String(xs.length);
      el.dataset.total = String(ys.reduce(function (a, b) { return a + b; }, 0));
      if (typeof uPlot === "undefined") return;
      if (!charts[key]) charts[key] = makeChart(key, el, xs, ys);
      else charts[key].setData([xs, ys]);
    });
  }

  function resize() {
    Object.keys(charts).forEach(function (key) {
      var el = $("chart-" + key);
      charts[key].setSize({ width: Math.max(el.clientWidth, 200), height: 200 });
    });
  }

  // ---- the tables ----------------------------------------------------------------------------
  function cell(text, cls) { var td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; return td; }
  function rows(tbody, items, build, empty) {
    tbody.textContent = "";
    if (!items.length) {
      var tr = document.createElement("tr"), td = cell(zx.t(empty), "muted");
      td.colSpan = 6; tr.append(td); tbody.append(tr); return;
    }
    items.forEach(function (item, i) { var tr = build(item, i); tbody.append(tr); });
  }
  function minutes(seconds) { return !seconds ? "—" : seconds < 60 ? seconds + " s" : Math.round(seconds / 60) + " min"; }

  function renderTables() {
    rows($("sku-rows"), data.skus, function (r) {
      var tr = document.createElement("tr"); tr.dataset.sku = r.sku_id;
      tr.append(cell(r.title), cell(money(r.gmv_minor), "num"), cell(zx.number(r.units), "num"), cell(zx.number(r.buyers), "num"),
        cell(minutes(r.pinned_s), "num"), cell(r.pin_conversion === null ? "—" : pct(r.pin_conversion), "num"));
      return tr;
    }, "none");
    rows($("partner-rows"), data.partners, function (p, i) {
      var tr = document.createElement("tr"); tr.dataset.partner = p.partner_id;
      var name = document.createElement("a");
      name.href = "/console/partners?session=" + encodeURIComponent(sessionId); name.textContent = p.partner_name;
      var who = document.createElement("td"); who.append(name);
      tr.append(cell(String(i + 1)), who, cell(money(p.gmv_minor), "num"), cell(zx.number(p.orders), "num"),
        cell(money(p.commission_minor), "num"), cell(zx.number(p.clicks), "num"));
      return tr;
    }, "no_partners");
    if ($("link-rows")) {
      rows($("link-rows"), data.links, function (l) {
        var tr = document.createElement("tr");
        tr.append(cell(l.partner_name), cell((l.label || "") + " " + (l.code || "")), cell(zx.number(l.clicks), "num"),
          cell(zx.number(l.orders), "num"), cell(money(l.gmv_minor), "num"), cell(money(l.commission_minor), "num"));
        return tr;
      }, "no_partners");
    }
    if ($("pin-list")) {
      $("pin-list").textContent = "";
      data.pins.forEach(function (p) {
        var li = document.createElement("li");
        li.textContent = zx.when(p.at, { timeStyle: "medium" }) + " · " + (p.title || zx.t("unpinned"));
        $("pin-list").append(li);
      });
    }
  }

  function renderHead() {
    $("d-state").textContent = data.state;
    $("d-state").className = "state state-" + data.state;
    var parts = [];
    if (data.started_at) parts.push(zx.t("started", { t: zx.when(data.started_at) }));
    if (data.ended_at) parts.push(zx.t("ended", { t: zx.when(data.ended_at) }));
    $("d-times").textContent = parts.join(" · ");
  }

  function render() {
    if (!data) return;
    renderHead(); renderTiles(); renderCharts(); renderTables();
    root.dataset.gmv = String(data.figures.gmv_minor);
    root.dataset.rendered = String(Number(root.dataset.rendered || 0) + 1);
  }

  // ---- wiring --------------------------------------------------------------------------------
  function follow() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/console/sessions/" +
      encodeURIComponent(sessionId) + "?feed=dashboard";
    zx.roomSocket(url, {
      onEvent: function (e) {
        if (e.type === "dashboard") { data = e; render(); }
        else if (e.type === "viewers" && data) { liveOnline = e.count; renderTiles(); }
        else if (e.type === "snapshot" && data) { liveOnline = e.viewers; renderTiles(); }
      },
      onState: function (state, reason) {
        root.dataset.connected = state === "open" ? "1" : "";
        $("d-conn").textContent = state === "open" ? "● " + zx.t("live") : state === "refused" ? (reason || zx.t("refused")) : zx.t("connecting");
      },
    });
  }

  zx.api("GET", "/api/v1/sessions/" + encodeURIComponent(sessionId) + "/dashboard")
    .then(function (body) { data = body; render(); })
    .catch(function (err) { notice(err.message); });
  if (mode === "live") follow();
  if ($("print")) $("print").addEventListener("click", function () { window.print(); });
  if (window.ResizeObserver) new ResizeObserver(function () { resize(); }).observe(root);
  else window.addEventListener("resize", resize);
  document.addEventListener("zx:lang", render);
})();
