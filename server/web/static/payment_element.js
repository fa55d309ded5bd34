// Stripe's Payment Element in deferred-intent mode, shared by the checkout page and the group-buy card.
// The element renders from the order's amount and currency alone (no PaymentIntent yet: checkout and
// taking a seat never wait for Stripe). On Pay: `elements.submit()` checks what the buyer entered, then
// the order's `payment.intent_url` makes (or returns) its PaymentIntent, and `stripe.confirmPayment`
// sends the buyer to `returnUrl`. Nothing here marks an order paid: only Stripe's signed webhook does.
window.zxPayment = (() => {
  "use strict";
  let stripe = null;
  // Also shown on the live room's group-buy card, which does not load checkout_strings.js.
  zx.strings({
    en: { stripe_missing: "Stripe.js could not be loaded; refresh the page." },
    zh: { stripe_missing: "支付组件加载失败，请刷新页面。" },
  });

  async function intentFor(url) {
    try {
      return { clientSecret: (await zx.api("POST", url)).client_secret };
    } catch (error) {
      return { error: { type: (error.problem && error.problem.type) || "api_error", message: error.message } };
    }
  }

  // payment = the API's `payment` ({intent_url, amount_minor, currency}); returns a handle with confirm().
  function mount(publishableKey, selector, payment) {
    if (typeof Stripe !== "function") throw new Error(zx.t("stripe_missing"));
    stripe = stripe || Stripe(publishableKey);
    const elements = stripe.elements({ mode: "payment", amount: payment.amount_minor,
      currency: payment.currency.toLowerCase() });  // Stripe.js wants the currency lower-case
    elements.create("payment").mount(selector);

    // Resolves with {error} only if the buyer stays on the page; on success Stripe navigates away.
    async function confirm(button, returnUrl) {
      button.disabled = true;
      try {
        const submitted = await elements.submit();  // before any network call, as Stripe requires
        if (submitted && submitted.error) return { error: submitted.error };
        const intent = await intentFor(payment.intent_url);
        if (intent.error) return intent;
        const { error } = await stripe.confirmPayment({ elements, clientSecret: intent.clientSecret,
          confirmParams: { return_url: returnUrl } });
        return { error };
      } finally {
        button.disabled = false;
      }
    }
    return { confirm };
  }

  return { mount };
})();
