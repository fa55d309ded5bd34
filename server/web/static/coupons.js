// Live coupons in the viewer's room: cards appear when the brand drops one (a `coupon` room message,
// re-dispatched by live.js as a `zx:room` DOM event) and on load (GET the room's coupons, so a late
// joiner sees them too). "Claim" posts with the visitor cookie; the card then shows it claimed.
(() => {
  "use strict";
  const box = document.getElementById("live-coupons");
  if (!box) return;
  const sessionId = box.dataset.session;
  const api = `/api/v1/sessions/${sessionId}/coupons`;
  const cards = new Map();  // coupon id -> { el, data }

  const money = (minor, currency) => (window.zxRoom && zxRoom.money ? zxRoom.money(minor, currency) : `${minor}`);
  const notice = (text) => { if (window.zxRoom && zxRoom.notice) zxRoom.notice(text); };

  function minSpendText(c) {
    if (!c.min_spend_minor) return "no minimum";
    return `min. ${c.currency ? money(c.min_spend_minor, c.currency) : c.min_spend_minor}`;
  }

  function render(id) {
    const { el, data } = cards.get(id);
    const exhausted = data.remaining <= 0;
    const mine = data.claimed_by_me || 0;
    const full = mine >= (data.per_buyer_limit || 1);
    const over = data.active === false || new Date(data.valid_until) <= new Date();
    el.querySelector(".coupon-label").textContent = data.label;
    el.querySelector(".coupon-min").textContent = minSpendText(data);
    el.querySelector(".coupon-title").textContent = data.title;
    el.querySelector(".coupon-left").textContent = exhausted ? "all claimed" : `${data.remaining} left`;
    el.querySelector(".coupon-until").textContent = `until ${new Date(data.valid_until).toLocaleString()}`;
    const button = el.querySelector(".coupon-claim");
    button.disabled = exhausted || full || over;
    button.textContent = full ? "Claimed ✓" : exhausted ? "Exhausted" : over ? "Ended" : mine ? "Claim another" : "Claim";
    el.classList.toggle("is-claimed", mine > 0);
    el.classList.toggle("is-exhausted", exhausted && !mine);
    el.dataset.state = full ? "claimed" : exhausted ? "exhausted" : over ? "ended" : "open";
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
      const response = await fetch(`${api}/${encodeURIComponent(id)}/claims`, { method: "POST", credentials: "same-origin" });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        if (response.status === 409 && String(body.type || "").endsWith("/coupon-exhausted")) upsert({ coupon_id: id, remaining: 0 });
        throw new Error(body.detail || `could not claim (${response.status})`);
      }
      const data = cards.get(id).data;
      upsert({ coupon_id: id, remaining: body.remaining, claimed_by_me: (data.claimed_by_me || 0) + 1 });
      notice("Coupon claimed — it applies at checkout.");
    } catch (error) {
      notice(error.message);
      render(id);
    }
  }

  document.addEventListener("zx:room", (event) => {
    const message = event.detail || {};
    if (message.type === "coupon") upsert(message);
    if (message.type === "coupon_remaining" && cards.has(message.coupon_id)) {
      upsert({ coupon_id: message.coupon_id, remaining: message.remaining });
    }
  });

  fetch(api, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : { items: [] })).then((page) => page.items.forEach(upsert))
    .catch(() => {});
})();
