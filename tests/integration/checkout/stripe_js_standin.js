// A stand-in for https://js.stripe.com/v3, served by Playwright's request routing (the browser has no
// network). It records what the page asks of Stripe.js in the deferred-intent flow —
// `elements({mode, amount, currency})`, `elements.submit()`, `confirmPayment({elements, clientSecret,
// confirmParams})` — and, when the test says so, leaves for the return URL the way Stripe does
// (`payment_intent`, `payment_intent_client_secret`, `redirect_status`).
(() => {
  const record = (window.__stripe = { calls: [], finish: null });
  // How many answers from the page's payment-intent route the browser had received: at submit it must be none.
  const intentFetches = () => performance.getEntriesByType("resource").filter((e) => e.name.includes("/payment-intent")).length;
  window.Stripe = (publishableKey) => {
    record.calls.push(["Stripe", publishableKey]);
    return {
      elements(options) {
        if (!options.mode || options.clientSecret) throw new Error("the stand-in expects deferred mode (no clientSecret)");
        record.calls.push(["elements", { mode: options.mode, amount: options.amount, currency: options.currency }]);
        return {
          create(type) {
            record.calls.push(["create", type]);
            return { mount(selector) { record.calls.push(["mount", selector]); document.querySelector(selector).textContent = "[Payment Element]"; } };
          },
          submit() {
            record.calls.push(["submit", intentFetches()]);
            return Promise.resolve({});
          },
        };
      },
      confirmPayment({ elements, clientSecret, confirmParams }) {
        if (!elements) throw new Error("confirmPayment needs the elements instance in deferred mode");
        record.calls.push(["confirmPayment", clientSecret, confirmParams.return_url]);
        return new Promise((resolve) => {
          record.finish = (status) => {
            if (status === "error") return resolve({ error: { type: "card_error", message: "Your card was declined." } });
            const url = new URL(confirmParams.return_url);
            url.searchParams.set("payment_intent", clientSecret.split("_secret_")[0]);
            url.searchParams.set("payment_intent_client_secret", clientSecret);
            url.searchParams.set("redirect_status", status);
            location.assign(url.toString());
            return undefined;
          };
        });
      },
    };
  };
})();
