// Brand console: the brand's coupons (claimed / used counts), a "Drop now" button per coupon for
// the selected session, and a small create form. The console's token cookie authenticates.
(() => {
  "use strict";
  const box = document.getElementById("console-coupons");
  if (!box) return;
  const { session: sessionId, brand: brandId } = box.dataset;
  let currency = null;
  const rows = new Map();

  zx.strings({
    en: {
      cp_title: "Coupons", cp_hint: "drop one into the room while live", cp_coupon: "Coupon", cp_discount: "Discount",
      cp_min_spend: "Min. spend", cp_claimed: "Claimed", cp_used: "Used", cp_valid_until: "Valid until", cp_drop_column: "Drop",
      cp_loading: "Loading…", cp_f_title: "Title", cp_f_title_hint: "Live special", cp_f_kind: "Kind", cp_amount_off: "Amount off",
      cp_percent_off: "% off", cp_f_value: "Value", cp_f_value_hint: "10.00 or 15", cp_f_units: "Units", cp_f_per_buyer: "Per buyer",
      cp_f_hours: "Valid for (hours)", cp_create: "Create coupon", cp_drop: "Drop now", cp_inactive: "{title} (inactive)",
      cp_off: "{amount} off", cp_none: "No coupons yet.", cp_dropped: "Coupon dropped into the room.", cp_created: "Coupon created.",
      cp_not_amount: "Not an amount: {text}",
    },
    zh: {
      cp_title: "优惠券", cp_hint: "直播中可投放到直播间", cp_coupon: "优惠券", cp_discount: "优惠",
      cp_min_spend: "使用门槛", cp_claimed: "已领", cp_used: "已用", cp_valid_until: "有效期至", cp_drop_column: "投放",
      cp_loading: "加载中…", cp_f_title: "名称", cp_f_title_hint: "直播专享", cp_f_kind: "类型", cp_amount_off: "立减金额",
      cp_percent_off: "折扣（%）", cp_f_value: "面额", cp_f_value_hint: "10.00 或 15", cp_f_units: "发放张数", cp_f_per_buyer: "每人限领",
      cp_f_hours: "有效时长（小时）", cp_create: "创建优惠券", cp_drop: "立即投放", cp_inactive: "{title}（已停用）",
      cp_off: "减 {amount}", cp_none: "还没有优惠券。", cp_dropped: "优惠券已投放到直播间。", cp_created: "优惠券已创建。",
      cp_not_amount: "不是有效金额：{text}",
    },
  });
  const notice = (text) => (window.zxConsole ? zxConsole.notice(text) : console.log(text));
  const money = zx.money;
  const call = zx.api;

  function cell(text, className) {
    return Object.assign(document.createElement("td"), { textContent: text, className: className || "" });
  }

  function row(c) {
    const tr = document.createElement("tr");
    tr.dataset.coupon = c.id;
    const drop = Object.assign(document.createElement("button"), { type: "button", className: "small", textContent: zx.t("cp_drop") });
    drop.disabled = !c.active;
    drop.addEventListener("click", () => dropNow(c.id, drop));
    const actions = document.createElement("td");
    actions.append(drop);
    tr.append(cell(c.active ? c.title : zx.t("cp_inactive", { title: c.title })),
      cell(zx.t("cp_off", { amount: c.percent_off_bps ? `${+c.percent_off_bps / 100}%` : money(c.amount_off_minor, c.currency) })),
      cell(c.min_spend_minor ? money(c.min_spend_minor, currency) : "—", "num"), cell(`${c.claimed} / ${c.total_limit}`, "num claimed"),
      cell(zx.number(c.used), "num"), cell(zx.when(c.valid_until)), actions);
    rows.set(c.id, { tr, c });
    return tr;
  }

  function empty() {
    const tr = document.createElement("tr");
    const td = Object.assign(cell(zx.t("cp_none"), "muted"), { colSpan: 7 });
    tr.append(td);
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
      : [empty()]));
  }

  async function dropNow(id, button) {
    button.disabled = true;
    try {
      await call("POST", `/api/v1/sessions/${sessionId}/coupon-drops`, { coupon_id: id });
      notice(zx.t("cp_dropped"));
    } catch (error) { notice(error.message); } finally { button.disabled = false; }
  }

  function minor(text, cur) {  // "12.5" -> 1250 for a 2-digit currency (zx.toMinor); empty is 0
    if (!String(text || "").trim()) return 0;
    const value = zx.toMinor(text, cur);
    if (value === null) throw new Error(zx.t("cp_not_amount", { text }));
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
      notice(zx.t("cp_created"));
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
