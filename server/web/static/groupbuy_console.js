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

  zx.strings({
    en: {
      gb_title: "Group-buy", gb_sku: "SKU", gb_price: "Group price", gb_size: "Buyers (N)", gb_window: "Within (minutes)",
      gb_offer: "Offer", gb_price_to_group: "Price → group", gb_n_min: "N / min", gb_open: "Open", gb_filled: "Filled",
      gb_expired: "Expired", gb_end_column: "End", gb_none: "No group offers yet.", gb_end: "End", gb_ended: "ended",
      gb_not_price: "Not a price: {text}",
    },
    zh: {
      gb_title: "拼团", gb_sku: "商品", gb_price: "拼团价", gb_size: "成团人数（N）", gb_window: "限时（分钟）",
      gb_offer: "发起拼团", gb_price_to_group: "原价 → 拼团价", gb_n_min: "人数 / 分钟", gb_open: "进行中", gb_filled: "已成团",
      gb_expired: "已过期", gb_end_column: "结束", gb_none: "还没有拼团。", gb_end: "结束", gb_ended: "已结束",
      gb_not_price: "不是有效价格：{text}",
    },
  });
  const money = zx.money;
  const call = zx.api;
  const notice = (text) => (window.zxConsole && window.zxConsole.notice ? window.zxConsole.notice(text) : console.warn(text));

  function cell(text, className) {
    return Object.assign(document.createElement("td"), { textContent: text, className: className || "" });
  }

  function render(offers) {
    const rows = document.getElementById("gb-offer-rows");
    if (!offers.length) {
      const tr = document.createElement("tr");
      tr.append(Object.assign(cell(zx.t("gb_none"), "muted"), { colSpan: 7 }));
      rows.replaceChildren(tr);
      return;
    }
    rows.replaceChildren(...offers.map((o) => {
      const tr = document.createElement("tr");
      tr.dataset.offer = o.id;
      if (!o.active) tr.className = "muted";
      const end = document.createElement("td");
      if (o.active) {
        const button = Object.assign(document.createElement("button"), { type: "button", className: "secondary small", textContent: zx.t("gb_end") });
        button.addEventListener("click", () => call("POST", `${base}/${o.id}/deactivate`).then(load).catch((e) => notice(e.message)));
        end.append(button);
      } else { end.textContent = zx.t("gb_ended"); }
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
    if (minor === null) { notice(zx.t("gb_not_price", { text: form.elements.group_price.value })); return; }
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
