// Live coupons in the viewer's room: pop-up cards when the brand drops one (a `coupon` room message,
// re-dispatched by live.js as a `zx:room` DOM event) and on load (GET the room's coupons, so a late
// joiner sees them too). "Claim" posts with the visitor cookie; the card then shows it claimed.
// When the show ends the server closes the drop (`closed_at`) and the card says so, button disabled.
(() => {
  "use strict";
  const box = document.getElementById("live-coupons");
  if (!box) return;
  const sessionId = box.dataset.session;
  const api = `/api/v1/sessions/${encodeURIComponent(sessionId)}/coupons`;
  const cards = new Map();  // coupon id -> { el, data }
  const notice = (text) => { if (window.zxRoom) zxRoom.notice(text); };
  const roomClosed = () => (window.zxRoom ? zxRoom.closedReason() : "");

  zx.strings({
    en: { coupons: "Coupons", claim: "Claim", claim_another: "Claim another", claimed: "Claimed ✓",
          exhausted: "Exhausted", coupon_ended: "Ended", all_claimed: "all claimed", n_left: "{n} left",
          until: "until {when}", no_minimum: "no minimum", min_spend: "min. {amount}",
          coupon_claimed: "Coupon claimed — it applies at checkout.", coupon_closed: "This coupon closed with the show." },
    zh: { coupons: "优惠券", claim: "领取", claim_another: "再领一张", claimed: "已领取 ✓",
          exhausted: "已抢光", coupon_ended: "已结束", all_claimed: "已被领完", n_left: "剩 {n} 张",
          until: "有效期至 {when}", no_minimum: "无门槛", min_spend: "满 {amount} 可用",
          coupon_claimed: "领取成功，结算时自动抵扣。", coupon_closed: "本券已随直播结束。" },
  });

  function minSpendText(c) {
    if (!c.min_spend_minor) return zx.t("no_minimum");
    return zx.t("min_spend", { amount: c.currency ? zx.money(c.min_spend_minor, c.currency) : zx.number(c.min_spend_minor) });
  }

  function stateOf(data) {
    const mine = data.claimed_by_me || 0;
    if (mine >= (data.per_buyer_limit || 1)) return "claimed";
    if (data.remaining <= 0) return "exhausted";
    if (data.closed_at || roomClosed() || data.active === false || new Date(data.valid_until) <= new Date()) return "ended";
    return "open";
  }

  const BUTTON = { claimed: "claimed", exhausted: "exhausted", ended: "coupon_ended" };

  function render(id) {
    const { el, data } = cards.get(id);
    const state = stateOf(data), mine = data.claimed_by_me || 0;
    el.querySelector(".coupon-label").textContent = data.label;
    el.querySelector(".coupon-min").textContent = minSpendText(data);
    el.querySelector(".coupon-title").textContent = data.title;
    el.querySelector(".coupon-left").textContent = data.remaining <= 0 ? zx.t("all_claimed") : zx.t("n_left", { n: zx.number(data.remaining) });
    el.querySelector(".coupon-until").textContent = zx.t("until", { when: zx.when(data.valid_until) });
    const button = el.querySelector(".coupon-claim");
    button.disabled = state !== "open";
    button.textContent = zx.t(BUTTON[state] || (mine ? "claim_another" : "claim"));
    if (state === "ended") button.title = roomClosed() || zx.t("coupon_closed"); else button.removeAttribute("title");
    el.classList.toggle("is-claimed", mine > 0);
    el.classList.toggle("is-exhausted", state === "exhausted" && !mine);
    el.dataset.state = state;
  }

  function upsert(coupon) {
    let entry = cards.get(coupon.coupon_id);
    if (!entry) {
      const el = document.getElementById("coupon-card-template").content.firstElementChild.cloneNode(true);
      el.dataset.coupon = coupon.coupon_id;
      el.querySelector(".coupon-claim").addEventListener("click", () => claim(coupon.coupon_id));
      document.getElementById("coupon-cards").prepend(el);
      entry = { el, data: { claimed_by_me: 0 } };
      cards.set(coupon.coupon_id, entry);
    }
    entry.data = { ...entry.data, ...coupon };
    box.hidden = false;
    render(coupon.coupon_id);
  }

  async function claim(id) {
    const button = cards.get(id).el.querySelector(".coupon-claim");
    button.disabled = true;
    try {
      const body = await zx.api("POST", `${api}/${encodeURIComponent(id)}/claims`);
      const data = cards.get(id).data;
      upsert({ coupon_id: id, remaining: body.remaining, claimed_by_me: (data.claimed_by_me || 0) + 1 });
      notice(zx.t("coupon_claimed"));
    } catch (error) {
      const type = String((error.problem && error.problem.type) || "");
      if (error.status === 409 && type.endsWith("/coupon-exhausted")) upsert({ coupon_id: id, remaining: 0 });
      notice(error.message);
      render(id);
    }
  }

  const renderAll = () => cards.forEach((_, id) => render(id));
  document.addEventListener("zx:room", (event) => {
    const message = event.detail || {};
    if (message.type === "coupon") upsert(message);
    if (message.type === "coupon_remaining" && cards.has(message.coupon_id)) {
      upsert({ coupon_id: message.coupon_id, remaining: message.remaining });
    }
    if (message.type === "state" || message.type === "snapshot") renderAll();
  });
  document.addEventListener("zx:lang", renderAll);

  zx.api("GET", api).then((page) => page.items.forEach(upsert)).catch(() => {});
})();
