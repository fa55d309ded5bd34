// A stand-in for https://js.stripe.com/v3, served by Playwright's request routing (the browser has no
// network). It records what the page asks of Stripe.js and, when the test says so, leaves for the
// return URL the way Stripe does (`payment_intent`, `payment_intent_client_secret`, `redirect_status`).
(() => {
  const record = (window.__stripe = { calls: [], finish: null });
  window.Stripe = (publishableKey) => {
    record.calls.push(["Stripe", publishableKey]);
    return {
      elements({ clientSecret }) {
        record.calls.push(["elements", clientSecret]);
        return {
          clientSecret,
          create(type) {
            record.calls.push(["create", type]);
            return { mount(selector) { record.calls.push(["mount", selector]); document.querySelector(selector).textContent = "[Payment Element]"; } };
          },
        };
      },
      confirmPayment({ elements, confirmParams }) {
        record.calls.push(["confirmPayment", confirmParams.return_url]);
        return new Promise((resolve) => {
          record.finish = (status) => {
            if (status === "error") return resolve({ error: { type: "card_error", message: "Your card was declined." } });
            const secret = elements.clientSecret;
            const url = new URL(confirmParams.return_url);
            url.searchParams.set("payment_intent", secret.split("_secret_")[0]);
            url.searchParams.set("payment_intent_client_secret", secret);
            url.searchParams.set("redirect_status", status);
            location.assign(url.toString());
            return undefined;
          };
        });
      },
    };
  };
})();
