// Group-buy in the brand console: create offers for line-up SKUs, watch each offer's groups
// (open / filled / expired), end an offer. Refreshes on the room's `group` messages (zx:room).
(() => {
  "use strict";
  const root = document.getElementById("gb-console");
  if (!root) return;
  const sessionId = root.dataset.session;
  const base = `/api/v1/sessions/${sessionId}/group-offers`;
  const form = document.getElementById("gb-offer-form");
  let lineup = [];

  const money = zx.money;
  const call = zx.api;
  const notice = (text) => (window.zxConsole && window.zxConsole.notice ? window.zxConsole.notice(text) : console.warn(text));

  function cell(text, className) {
    return Object.assign(document.createElement("td"), { textContent: text, className: className || "" });
  }

  function render(offers) {
    const rows = document.getElementById("gb-offer-rows");
    if (!offers.length) { rows.replaceChildren(Object.assign(document.createElement("tr"), { innerHTML: '<td colspan="7" class="muted">No group offers yet.</td>' })); return; }
    rows.replaceChildren(...offers.map((o) => {
      const tr = document.createElement("tr");
      tr.dataset.offer = o.id;
      if (!o.active) tr.className = "muted";
      const end = document.createElement("td");
      if (o.active) {
        const button = Object.assign(document.createElement("button"), { type: "button", className: "secondary small", textContent: "End" });
        button.addEventListener("click", () => call("POST", `${base}/${o.id}/deactivate`).then(load).catch((e) => notice(e.message)));
        end.append(button);
      } else { end.textContent = "ended"; }
      tr.append(cell(o.title), cell(`${money(o.price_minor, o.currency)} → ${money(o.group_price_minor, o.currency)}`, "num"),
                cell(`${o.group_size} / ${o.window_minutes}`, "num"), cell(o.groups.open, "num"), cell(o.groups.filled, "num"),
                cell(o.groups.expired, "num"), end);
      return tr;
    }));
  }

  async function load() { render((await call("GET", `${base}/manage`)).items); }

  async function loadLineup() {
    lineup = (await call("GET", `/api/v1/sessions/${sessionId}/lineup`)).items;
    form.elements.sku_id.replaceChildren(...lineup.map((item) => Object.assign(document.createElement("option"),
      { value: item.sku_id, textContent: `${item.title} · ${money(item.price_minor, item.currency)}` })));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const item = lineup.find((i) => i.sku_id === form.elements.sku_id.value);
    if (!item) return;
    // The brand types a price in major units; the API takes integer minor units of the SKU's currency.
    const minor = zx.toMinor(form.elements.group_price.value, item.currency);
    if (minor === null) { notice(`Not a price: ${form.elements.group_price.value}`); return; }
    try {
      await call("POST", base, { sku_id: item.sku_id, group_price_minor: minor, currency: item.currency,
                                 group_size: Number(form.elements.group_size.value),
                                 window_minutes: Number(form.elements.window_minutes.value) });
      form.elements.group_price.value = "";
      await load();
    } catch (error) { notice(error.message); }
  });
  document.addEventListener("zx:room", (event) => { if (event.detail && event.detail.type === "group") load().catch(() => {}); });
  loadLineup().catch((e) => notice(e.message));
  load().catch((e) => notice(e.message));
})();
