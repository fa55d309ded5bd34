// The viewer's checkout: cart → order (stock held, no call to Stripe) → pay → result. Public API only.
// Pay: with the shop's publishable key, Stripe's Payment Element is mounted in deferred mode from the
// order's amount and currency (`payment_element.js`, shared with the group-buy card); pressing Pay makes
// the order's PaymentIntent and `stripe.confirmPayment` sends the buyer to our return page
// (`/live/{session}/checkout/return`). In TEST MODE (a Stripe test server such as localstripe, which has
// no Stripe.js) the server makes the intent and confirms it with a test card. Only the signed webhook
// marks the order paid.
(() => {
  "use strict";
  const root = document.getElementById("checkout");
  if (!root) return;
  const sessionId = root.dataset.session;
  const ref = root.dataset.ref;
  const testPayments = root.dataset.testPayments === "true";
  const publishableKey = root.dataset.publishableKey;
  const payingKey = `zx-checkout-paying-${sessionId}`;  // the placed order awaiting payment: survives "try again"
  const api = `/api/v1/sessions/${sessionId}`;
  const result = document.getElementById("result");
  const FINAL = { paid: "Paid — thank you! Your order is confirmed.", cancelled: "The payment failed; the order was cancelled.",
                  expired: "The reservation lapsed before payment; the items were released." };

  const money = zx.money;  // display only; amounts stay integer minor units everywhere else
  // zx.api: a refusal rejects with the problem's detail, its type in error.problem.type
  const call = (method, url, body, headers) => zx.api(method, url, body, { headers });

  function show(text, kind) {
    result.hidden = false;
    result.className = `panel result ${kind || ""}`;
    result.textContent = text;
  }

  function renderCart(cart) {
    const list = document.getElementById("cart-lines");
    list.replaceChildren(...(cart.lines.length ? cart.lines.map((line) => {
      const li = document.createElement("li");
      li.dataset.sku = line.sku_id;
      li.textContent = `${line.title} × ${line.quantity}`;
      const amount = document.createElement("span");
      amount.textContent = money(line.amount_minor, line.currency);
      li.append(amount);
      return li;
    }) : [Object.assign(document.createElement("li"), { className: "muted", textContent: "Empty." })]));
    document.getElementById("cart-total").textContent = cart.currency ? money(cart.amount_minor, cart.currency) : "—";
    lastCart = cart;
    loadCoupons();
  }

  // Coupons: the visitor's usable claims with what each takes off this cart (the server computes
  // it; the order applies the same rule). The largest discount is pre-selected.
  let lastCart = null;
  let chosenClaim = null;
  let claims = [];

  function showSums() {
    if (!lastCart || !lastCart.currency) return;
    const pick = claims.find((c) => c.claim_id === chosenClaim);
    const off = pick && pick.discount_minor ? pick.discount_minor : 0;
    document.getElementById("sum-subtotal").textContent = money(lastCart.amount_minor, lastCart.currency);
    document.getElementById("sum-discount").textContent = off ? `− ${money(off, lastCart.currency)}` : "—";
    document.getElementById("sum-total").textContent = money(lastCart.amount_minor - off, lastCart.currency);
    document.getElementById("cart-total").textContent = money(lastCart.amount_minor - off, lastCart.currency);
  }

  function option(value, text, usable) {
    const label = document.createElement("label");
    const input = Object.assign(document.createElement("input"), { type: "radio", name: "coupon", value, disabled: !usable });
    input.checked = value === (chosenClaim || "");
    input.addEventListener("change", () => { chosenClaim = value || null; showSums(); });
    label.append(input, document.createTextNode(` ${text}`));
    return label;
  }

  function renderCoupons() {
    const panel = document.getElementById("coupon-panel");
    panel.hidden = claims.length === 0;
    const usable = claims.filter((c) => c.discount_minor);
    if (!usable.some((c) => c.claim_id === chosenClaim)) {
      const best = usable.reduce((a, c) => (!a || c.discount_minor > a.discount_minor ? c : a), null);
      chosenClaim = best ? best.claim_id : null;
    }
    const picker = document.getElementById("coupon-picker");
    picker.replaceChildren(option("", "No coupon", true), ...claims.map((c) => {
      const text = c.discount_minor ? `${c.coupon.title}: ${c.coupon.label} (− ${money(c.discount_minor, lastCart.currency)})`
        : `${c.coupon.title}: ${c.coupon.label} — ${c.reason}`;
      return option(c.claim_id, text, Boolean(c.discount_minor));
    }));
    showSums();
  }

  async function loadCoupons() {
    try {
      claims = (await call("GET", `${api}/coupon-claims`)).items;
    } catch (error) {
      claims = [];
    }
    renderCoupons();
  }

  async function add(skuId) {
    try {
      const query = ref ? `?ref=${encodeURIComponent(ref)}` : "";
      renderCart(await call("POST", `${api}/cart/items${query}`, { sku_id: skuId, quantity: 1 }));
    } catch (error) { show(error.message, "error"); }
  }

  function idempotencyKey() {  // one key per cart attempt: a double click or a retry gives the same order
    let key = sessionStorage.getItem(`zx-checkout-${sessionId}`);
    if (!key) {
      key = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
      sessionStorage.setItem(`zx-checkout-${sessionId}`, key);
    }
    return key;
  }

  function contactFrom(form) {
    const value = (name) => form.elements[name].value.trim() || null;
    return { contact: { name: value("name"), email: value("email"), phone: value("phone") },
             shipping_address: form.elements.shipping_address.value.trim(), coupon_claim_id: chosenClaim,
             marketing_consent: form.elements.marketing_consent.checked };
  }

  async function waitForOutcome(orderId) {
    for (let i = 0; i < 60; i += 1) {
      const order = await call("GET", `/api/v1/checkout/orders/${orderId}`);
      if (FINAL[order.state]) return order;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error("Still waiting for the payment to be confirmed; refresh in a moment.");
  }

  async function pay(event) {
    event.preventDefault();
    const button = document.getElementById("pay");
    const providerDown = document.getElementById("provider-down");
    button.disabled = true;
    providerDown.hidden = true;
    try {
      const placed = await call("POST", `${api}/checkout`, contactFrom(event.target), { "Idempotency-Key": idempotencyKey() });
      const order = placed.order;
      const saved = order.discount_minor ? ` (coupon − ${money(order.discount_minor, order.currency)})` : "";
      show(`Order ${order.id}: ${money(order.amount_minor, order.currency)}${saved} reserved — paying…`);
      root.dataset.orderAmount = String(order.amount_minor);
      if (publishableKey && placed.payment) {
        sessionStorage.setItem(payingKey, JSON.stringify({ id: order.id, payment: placed.payment }));
        mountPayment(order.id, placed.payment);
        renderCart(await call("GET", `${api}/cart`));
        return;  // the buyer pays in the Payment Element; Stripe then sends them to the return page
      }
      if (testPayments && placed.payment) {
        await call("POST", placed.payment.test_payment_url);
      } else {
        throw new Error("Online payment is not set up on this server (no STRIPE_PUBLISHABLE_KEY).");
      }
      const done = await waitForOutcome(order.id);
      sessionStorage.removeItem(`zx-checkout-${sessionId}`);
      show(`${FINAL[done.state]} Order ${done.id}`, done.state === "paid" ? "ok" : "error");
      root.dataset.orderState = done.state;
      renderCart(await call("GET", `${api}/cart`));
    } catch (error) {
      if (providerIsDown(error)) {
        // The order holds its units; the same key (sessionStorage keeps it) retries the same order.
        result.hidden = true;
        providerDown.hidden = false;
      } else {
        show(error.message, "error");
      }
    } finally {
      button.disabled = false;
    }
  }

  // The Payment Element: the methods the shop enabled at Stripe, for this order's amount and currency.
  let payment = null;
  let payingOrder = null;
  const providerIsDown = (error) => Boolean(error.problem && String(error.problem.type || "").endsWith("/payment-provider-unavailable"));

  function mountPayment(orderId, orderPayment) {
    payment = window.zxPayment.mount(publishableKey, "#payment-element", orderPayment);
    payingOrder = orderId;
    result.hidden = true;
    document.getElementById("checkout-form").hidden = true;
    document.getElementById("payment-panel").hidden = false;
  }

  async function confirmPayment() {
    const failure = document.getElementById("payment-error");
    failure.hidden = true;
    const returnUrl = `${location.origin}/live/${sessionId}/checkout/return?order=${encodeURIComponent(payingOrder)}`;
    // Resolves only if the buyer stays here (a declined card, missing details, Stripe unreachable): the hold remains.
    const { error } = await payment.confirm(document.getElementById("confirm-pay"), returnUrl);
    if (!error) return;
    failure.textContent = providerIsDown(error) ? document.getElementById("provider-down").textContent
      : `支付失败，请重试 · ${error.message}`;
    failure.hidden = false;
  }

  async function resumePayment() {  // back from a failed attempt: the same order, while it still holds its stock
    const saved = JSON.parse(sessionStorage.getItem(payingKey) || "null");
    if (!saved || !publishableKey) return;
    const order = await call("GET", `/api/v1/checkout/orders/${saved.id}`).catch(() => null);
    if (order && order.state === "pending_payment" && saved.payment) mountPayment(saved.id, saved.payment);
    else sessionStorage.removeItem(payingKey);
  }

  document.getElementById("confirm-pay").addEventListener("click", () => confirmPayment().catch((e) => show(e.message, "error")));
  resumePayment().catch((error) => show(error.message, "error"));
  document.querySelectorAll("button.add").forEach((b) => b.addEventListener("click", () => add(b.dataset.sku)));
  document.getElementById("checkout-form").addEventListener("submit", pay);
  document.querySelectorAll("td[data-minor]").forEach((td) => { td.textContent = money(+td.dataset.minor, td.dataset.currency); });
  call("GET", `${api}/cart`).then(renderCart).catch((error) => show(error.message, "error"));
})();
