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
  const FINAL = ["paid", "cancelled", "expired"];  // each with its words in checkout_strings.js (final_…)

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
    }) : [Object.assign(document.createElement("li"), { className: "muted", textContent: zx.t("cart_empty") })]));
    document.getElementById("cart-total").textContent = cart.currency ? money(cart.amount_minor, cart.currency) : "—";
    lastCart = cart;
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
    picker.replaceChildren(option("", zx.t("no_coupon"), true), ...claims.map((c) => {
      const words = { title: c.coupon.title, label: couponLabel(c.coupon) };
      const text = c.discount_minor ? zx.t("coupon_usable", { ...words, amount: money(c.discount_minor, lastCart.currency) })
        : zx.t("coupon_unusable", words);
      return option(c.claim_id, text, Boolean(c.discount_minor));
    }));
    showSums();
  }

  // What the coupon takes off, in the reader's language (the API's `label` is English).
  function couponLabel(coupon) {
    if (coupon.amount_off_minor && coupon.currency) return zx.t("coupon_amount_off", { amount: money(coupon.amount_off_minor, coupon.currency) });
    if (coupon.percent_off_bps) return zx.t("coupon_percent_off", { percent: zx.number(Number(coupon.percent_off_bps) / 100) });
    return coupon.label;
  }

  async function showCart(cart) {
    renderCart(cart);
    await loadCoupons();
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
      await showCart(await call("POST", `${api}/cart/items${query}`, { sku_id: skuId, quantity: 1 }));
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
      if (FINAL.includes(order.state)) return order;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(zx.t("still_waiting"));
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
      const amounts = { id: order.id, amount: money(order.amount_minor, order.currency), discount: money(order.discount_minor, order.currency) };
      show(zx.t(order.discount_minor ? "order_reserved_coupon" : "order_reserved", amounts));
      root.dataset.orderAmount = String(order.amount_minor);
      if (publishableKey && placed.payment) {
        sessionStorage.setItem(payingKey, JSON.stringify({ id: order.id, payment: placed.payment }));
        mountPayment(order.id, placed.payment);
        await showCart(await call("GET", `${api}/cart`));
        return;  // the buyer pays in the Payment Element; Stripe then sends them to the return page
      }
      if (testPayments && placed.payment) {
        await call("POST", placed.payment.test_payment_url);
      } else {
        throw new Error(zx.t("no_publishable_key"));
      }
      const done = await waitForOutcome(order.id);
      sessionStorage.removeItem(`zx-checkout-${sessionId}`);
      show(zx.t(`final_${done.state}`, { id: done.id }), done.state === "paid" ? "ok" : "error");
      root.dataset.orderState = done.state;
      await showCart(await call("GET", `${api}/cart`));
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
      : zx.t("payment_failed", { reason: error.message });
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
  const showPrices = () => document.querySelectorAll("td[data-minor]").forEach((td) => { td.textContent = money(+td.dataset.minor, td.dataset.currency); });
  showPrices();
  // The other language chosen on the page: what the script wrote is written again in it.
  document.addEventListener("zx:lang", () => { showPrices(); if (lastCart) { renderCart(lastCart); renderCoupons(); } });
  call("GET", `${api}/cart`).then(showCart).catch((error) => show(error.message, "error"));
})();
