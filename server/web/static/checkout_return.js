// Where Stripe sends the buyer after paying. It shows what Stripe's redirect says and then what the
// order says; it never marks anything paid (only the signed webhook does), it only polls the order.
(() => {
  "use strict";
  const root = document.getElementById("checkout-return");
  if (!root) return;
  const sessionId = root.dataset.session;
  const params = new URLSearchParams(location.search);
  const orderId = params.get("order");
  const redirectStatus = params.get("redirect_status");  // succeeded | processing | failed (Stripe's)
  const KIND = { paid: "ok", processing: "", failed: "error", closed: "error" };  // words: checkout_strings.js (out_…)
  const PAID = ["paid", "partially_refunded", "refunded"];
  const CLOSED = ["cancelled", "expired"];
  const POLL_MS = 1000;
  const POLL_LIMIT = 300;  // five minutes, then the buyer refreshes

  function render(outcome) {
    root.dataset.outcome = outcome;
    const box = document.getElementById("outcome");
    box.className = `panel result ${KIND[outcome]}`;
    box.removeAttribute("data-i18n");  // the outcome's words from here on, not "checking"
    box.textContent = zx.t(`out_${outcome}`);
    document.getElementById("retry").hidden = outcome !== "failed";
    if (outcome === "paid" || outcome === "closed") {  // this order is done: the next checkout is a new one
      sessionStorage.removeItem(`zx-checkout-${sessionId}`);
      sessionStorage.removeItem(`zx-checkout-paying-${sessionId}`);
    }
  }

  async function orderState() {
    return (await zx.api("GET", `/api/v1/checkout/orders/${encodeURIComponent(orderId)}`)).state;
  }

  async function follow() {
    for (let i = 0; i < POLL_LIMIT; i += 1) {
      const state = await orderState().catch(() => null);
      if (PAID.includes(state)) return render("paid");
      if (CLOSED.includes(state)) return render("closed");
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return undefined;
  }

  const showOrder = () => { document.getElementById("order-ref").textContent = orderId ? zx.t("order_ref", { id: orderId }) : ""; };
  showOrder();
  document.addEventListener("zx:lang", () => { showOrder(); if (root.dataset.outcome) render(root.dataset.outcome); });
  if (orderId) {  // the buyer's own order page: state, parcels, after-sales (visitor cookie)
    const link = document.getElementById("order-link");
    link.href = `/orders/${encodeURIComponent(orderId)}`;
    link.hidden = false;
  }
  if (!orderId || redirectStatus === "failed") {
    render("failed");
  } else {
    render("processing");  // "succeeded" from Stripe still waits for the webhook before it says paid
    follow();
  }
})();
