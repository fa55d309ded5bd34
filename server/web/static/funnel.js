// Live partner funnel: one websocket per page, re-rendered on each snapshot, reconnecting on loss.
(function () {
  "use strict";
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
      const total = row(snapshot.partners[0], "Total", snapshot.currency, "total", last.total);
      total.classList.add("total");
      body.appendChild(total);
      last.total = JSON.stringify(snapshot.partners[0]);
    }
    if (!rows.length) body.innerHTML = '<tr><td colspan="11" class="muted">No clicks yet.</td></tr>';
    const orders = panel.querySelector('[data-role="orders"]');
    orders.replaceChildren();
    for (const order of snapshot.recent_orders) {
      const li = document.createElement("li");
      li.textContent = new Date(order.paid_at).toLocaleTimeString() + " · " + order.buyer + " · " +
        zx.money(order.amount_minor, order.currency);
      orders.appendChild(li);
    }
    if (!snapshot.recent_orders.length) orders.innerHTML = '<li class="muted">None yet.</li>';
    panel.querySelector('[data-role="session-state"]').textContent = snapshot.session_state;
  }

  function status(text) { panel.querySelector('[data-role="status"]').textContent = text; }

  function connect(delay) {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + "/ws/funnel/" + encodeURIComponent(panel.dataset.session));
    socket.onopen = () => { status("live"); delay = 1000; };
    socket.onmessage = (event) => render(JSON.parse(event.data));
    socket.onclose = (event) => {
      if (event.code === 4401 || event.code === 4404) { status("not allowed: sign in again"); return; }
      status("reconnecting…");
      setTimeout(() => connect(Math.min(delay * 2, 15000)), delay);
    };
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.copy");
    if (!button) return;
    navigator.clipboard.writeText(button.dataset.copy).then(() => {
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    }, () => { button.textContent = "Select and copy"; });
  });

  if (panel) connect(1000);
})();
