// Brand console: the brand's coupons (claimed / used counts), a "Drop now" button per coupon for
// the selected session, and a small create form. The console's token cookie authenticates.
(() => {
  "use strict";
  const box = document.getElementById("console-coupons");
  if (!box) return;
  const { session: sessionId, brand: brandId } = box.dataset;
  let currency = null;
  const rows = new Map();

  const notice = (text) => (window.zxConsole ? zxConsole.notice(text) : console.log(text));
  const money = zx.money;
  const call = zx.api;

  function cell(text, className) {
    return Object.assign(document.createElement("td"), { textContent: text, className: className || "" });
  }

  function row(c) {
    const tr = document.createElement("tr");
    tr.dataset.coupon = c.id;
    const drop = Object.assign(document.createElement("button"), { type: "button", className: "small", textContent: "Drop now" });
    drop.disabled = !c.active;
    drop.addEventListener("click", () => dropNow(c.id, drop));
    const actions = document.createElement("td");
    actions.append(drop);
    tr.append(cell(c.active ? c.title : `${c.title} (inactive)`), cell(c.percent_off_bps ? `${+c.percent_off_bps / 100}% off` : `${money(c.amount_off_minor, c.currency)} off`),
      cell(c.min_spend_minor ? money(c.min_spend_minor, currency) : "—", "num"), cell(`${c.claimed} / ${c.total_limit}`, "num claimed"),
      cell(String(c.used), "num"), cell(new Date(c.valid_until).toLocaleString()), actions);
    rows.set(c.id, { tr, c });
    return tr;
  }

  async function load() {
    const items = [];
    let cursor = null;
    do {  // the list is paginated; a brand's coupons fit in a few pages
      const page = await call("GET", `/api/v1/brands/${brandId}/coupons?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    const body = document.getElementById("coupon-rows");
    body.replaceChildren(...(items.length ? items.reverse().map(row)
      : [Object.assign(document.createElement("tr"), { innerHTML: '<td colspan="7" class="muted">No coupons yet.</td>' })]));
  }

  async function dropNow(id, button) {
    button.disabled = true;
    try {
      await call("POST", `/api/v1/sessions/${sessionId}/coupon-drops`, { coupon_id: id });
      notice("Coupon dropped into the room.");
    } catch (error) { notice(error.message); } finally { button.disabled = false; }
  }

  function minor(text, cur) {  // "12.5" -> 1250 for a 2-digit currency (zx.toMinor); empty is 0
    if (!String(text || "").trim()) return 0;
    const value = zx.toMinor(text, cur);
    if (value === null) throw new Error(`Not an amount: ${text}`);
    return value;
  }

  async function create(event) {
    event.preventDefault();
    const f = event.target.elements;
    const now = new Date();
    try {
      const body = { title: f.title.value.trim(), total_limit: +f.total_limit.value, per_buyer_limit: +f.per_buyer_limit.value,
        min_spend_minor: minor(f.min_spend.value, currency), valid_from: now.toISOString(),
        valid_until: new Date(now.getTime() + (+f.hours.value) * 3600e3).toISOString() };
      if (f.kind.value === "percent") body.percent_off_bps = String(Math.round(parseFloat(f.value.value) * 100));
      else Object.assign(body, { amount_off_minor: minor(f.value.value, currency), currency });
      await call("POST", `/api/v1/brands/${brandId}/coupons`, body);
      event.target.reset();
      notice("Coupon created.");
      await load();
    } catch (error) { notice(error.message); }
  }

  document.addEventListener("zx:room", (event) => {
    const m = event.detail || {};
    const entry = m.type === "coupon_remaining" ? rows.get(m.coupon_id) : null;
    if (entry) entry.tr.querySelector(".claimed").textContent = `${entry.c.total_limit - m.remaining} / ${entry.c.total_limit}`;
  });
  document.getElementById("coupon-form").addEventListener("submit", create);
  call("GET", `/api/v1/brands/${brandId}`).then((brand) => { currency = brand.default_currency; return load(); })
    .catch((error) => notice(error.message));
})();
