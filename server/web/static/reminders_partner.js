// Partner console: per session, how many viewers subscribed to reminders through my links.
(function () {
  "use strict";
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
      tr.append(cell(s.title), cell(s.state), cell(String(s.subscribed), "num"));
      tr.lastChild.dataset.field = "subscribed";
      rows.append(tr);
    });
    if (!items.length) {
      var tr = document.createElement("tr"), td = cell("Nobody has subscribed through your links yet.", "muted");
      td.colSpan = 3; tr.append(td); rows.append(tr);
    }
  }

  function refresh() {
    zx.api("GET", url).then(function (page) { render(page.items); }).catch(function () { /* next refresh */ });
  }
  refresh();
  setInterval(refresh, 10000);
})();
