// Partner console: per session, how many viewers subscribed to reminders through my links.
(function () {
  "use strict";
  zx.strings({
    en: {
      rp_title: "Reminders through your links (预热)", rp_session: "Session", rp_state: "State", rp_loading: "Loading…",
      rp_help: "Viewers who opened your link before the show and asked to be told when it starts.",
      rp_subscribed: "Subscribed through you", rp_none: "Nobody has subscribed through your links yet.",
      rp_scheduled: "scheduled", rp_live: "live", rp_ended: "ended", rp_cancelled: "cancelled",
    },
    zh: {
      rp_title: "通过您的链接预约提醒（预热）", rp_session: "场次", rp_state: "状态", rp_loading: "加载中…",
      rp_help: "开播前打开您的链接并预约开播提醒的观众。",
      rp_subscribed: "经您预约", rp_none: "还没有观众通过您的链接预约。",
      rp_scheduled: "未开播", rp_live: "直播中", rp_ended: "已结束", rp_cancelled: "已取消",
    },
  });
  var panel = document.getElementById("partner-reminders");
  if (!panel) return;
  var rows = document.getElementById("partner-reminder-rows");
  var url = "/api/v1/partners/" + encodeURIComponent(panel.dataset.partner) + "/reminders";

  function cell(text, cls) { var td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; return td; }

  function render(items) {
    rows.textContent = "";
    items.forEach(function (s) {
      var tr = document.createElement("tr");
      tr.dataset.session = s.session_id;
      if (s.session_id === panel.dataset.current) tr.className = "current";
      tr.append(cell(s.title), cell(zx.t("rp_" + s.state)), cell(zx.number(s.subscribed), "num"));
      tr.lastChild.dataset.field = "subscribed";
      rows.append(tr);
    });
    if (!items.length) {
      var tr = document.createElement("tr"), td = cell(zx.t("rp_none"), "muted");
      td.colSpan = 3; tr.append(td); rows.append(tr);
    }
  }

  var last = null;
  function refresh() {
    zx.api("GET", url).then(function (page) { last = page.items; render(last); }).catch(function () { /* next refresh */ });
  }
  document.addEventListener("zx:lang", function () { if (last) render(last); });
  refresh();
  setInterval(refresh, 10000);
})();
