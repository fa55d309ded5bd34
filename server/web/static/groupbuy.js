// Group-buy (拼团) in the viewer room. Offers → "Start a group"; with ?group=CODE in the URL, a
// "Join this group" card. Opening or joining makes a real order (unit held, no call to Stripe); it is
// paid exactly as on the checkout page — Stripe's Payment Element in deferred mode through the shared
// `payment_element.js`, Stripe returning the buyer here with ?gb_order=… (TEST MODE: the server pays
// with a test card) — then the viewer's group card follows the room's `group` messages (zx:room)
// until it fills or expires. Only Stripe's signed webhook makes a seat paid.
(() => {
  "use strict";
  const root = document.getElementById("groupbuy");
  if (!root) return;
  const sessionId = root.dataset.session;
  const ref = root.dataset.ref || "";
  const publishableKey = root.dataset.publishableKey || "";
  const payingKey = `zx-group-paying-${sessionId}`;  // {id, payment} of the seat being paid: survives Stripe's redirect
  const $ = (id) => document.getElementById(id);
  const mineKey = `zx-group-${sessionId}`;
  let offers = [], invite = null, pending = null, mine = null, timer = null;
  let payment = null, payingOrder = null, note = "";

  const money = (minor, currency) => zx.money(minor, currency);
  const notice = (text) => (window.zxRoom ? window.zxRoom.notice(text) : console.warn(text));
  const roomClosed = () => (window.zxRoom ? window.zxRoom.closedReason() : "");
  const call = (method, url, body, headers) => zx.api(method, url, body, { headers });

  zx.strings({
    en: { gb_label: "拼团 · Group-buy", gb_start: "Start a group", gb_rule: "{size} buyers within {minutes} min · refunded if it does not fill",
          gb_join: "Join this group", gb_filled: "This group is filled", gb_expired: "This group has expired", gb_full: "This group is full",
          gb_times_up: "time's up", gb_left: "{time} left", gb_open_status: "{paid} of {size} paid — waiting for {more} more",
          gb_filled_status: "✓ Group filled — your order is confirmed",
          gb_expired_status: "Time ran out before the group filled — your payment was refunded in full",
          gb_paying: "Paying…", gb_your_group: "Your group · {title} at {price}", gb_start_title: "Start a group · {title}",
          gb_pay: "Pay {amount}", gb_copied: "Copied ✓", gb_copy: "Copy", gb_invalid: "That group link is not valid any more.",
          gb_waiting: "Still waiting for the payment to be confirmed; refresh in a moment.",
          gb_needs_stripe: "Card payment needs Stripe.js with the shop's publishable key (not configured here)." },
    zh: { gb_label: "拼团", gb_start: "发起拼团", gb_rule: "{minutes} 分钟内凑满 {size} 人 · 未成团全额退款",
          gb_join: "参与拼团", gb_filled: "已成团", gb_expired: "拼团已过期", gb_full: "名额已满",
          gb_times_up: "已到时", gb_left: "剩余 {time}", gb_open_status: "已付款 {paid}/{size} — 还差 {more} 人",
          gb_filled_status: "✓ 拼团成功，订单已确认", gb_expired_status: "未能按时成团，货款已全额退回",
          gb_paying: "支付中…", gb_your_group: "我的拼团 · {title} {price}", gb_start_title: "发起拼团 · {title}",
          gb_pay: "支付 {amount}", gb_copied: "已复制 ✓", gb_copy: "复制", gb_invalid: "该拼团链接已失效。",
          gb_waiting: "仍在等待付款确认，请稍后刷新。",
          gb_needs_stripe: "银行卡支付需要配置 Stripe 公钥（此处未配置）。" },
  });

  function left(expiresAt) {
    const ms = Math.max(0, new Date(expiresAt).getTime() - Date.now());
    const s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    const pad = (n) => String(n).padStart(2, "0");
    return ms === 0 ? zx.t("gb_times_up") : zx.t("gb_left", { time: `${h ? h + ":" : ""}${pad(m)}:${pad(s % 60)}` });
  }

  function seats(box, group) {
    box.replaceChildren(...Array.from({ length: group.group_size }, (_, i) => {
      const seat = document.createElement("span");
      seat.className = "gb-seat" + (i < group.seats_paid ? " paid" : i < group.seats_taken ? " taken" : "");
      seat.textContent = i < group.seats_paid ? "✓" : "";
      return seat;
    }));
    box.title = `${group.seats_paid} paid · ${group.seats_taken} taken · ${group.group_size} seats`;
  }

  function renderOffers() {
    $("gb-offers").replaceChildren(...offers.map((offer) => {
      const li = document.createElement("li");
      li.className = "gb-offer";
      li.dataset.offer = offer.id;
      const info = document.createElement("div");
      const title = Object.assign(document.createElement("div"), { className: "gb-title", textContent: offer.title });
      const price = Object.assign(document.createElement("div"), { className: "price" });
      price.append(money(offer.group_price_minor, offer.currency), " ",
                   Object.assign(document.createElement("s"), { className: "muted", textContent: money(offer.price_minor, offer.currency) }));
      const rule = Object.assign(document.createElement("div"), { className: "gb-rule",
        textContent: zx.t("gb_rule", { size: offer.group_size, minutes: offer.window_minutes }) });
      info.append(title, price, rule);
      const start = Object.assign(document.createElement("button"), { type: "button", className: "gb-start", textContent: zx.t("gb_start"),
        disabled: !!roomClosed(), title: roomClosed() });
      start.addEventListener("click", () => ask({ kind: "open", offer }));
      li.append(info, start);
      return li;
    }));
    show();
  }

  function renderInvite() {
    const box = $("gb-invite");
    if (!invite || (mine && mine.code === invite.code)) { box.hidden = true; return; }
    box.hidden = false;
    box.dataset.state = invite.state;
    $("gb-invite-title").textContent = invite.offer.title;
    $("gb-invite-price").textContent = money(invite.offer.group_price_minor, invite.offer.currency);
    $("gb-invite-list").textContent = money(invite.offer.price_minor, invite.offer.currency);
    seats($("gb-invite-seats"), invite);
    const open = invite.state === "open" && invite.seats_taken < invite.group_size;
    $("gb-join").disabled = !open || !!roomClosed();
    $("gb-join").title = roomClosed();
    $("gb-join").textContent = zx.t(open ? "gb_join" : invite.state === "filled" ? "gb_filled" :
      invite.state === "expired" ? "gb_expired" : "gb_full");
    show();
  }

  const STATUS = {
    open: (g) => zx.t("gb_open_status", { paid: g.seats_paid, size: g.group_size, more: g.group_size - g.seats_paid }),
    filled: () => zx.t("gb_filled_status"),
    expired: () => zx.t("gb_expired_status"),
  };

  function renderMine() {
    const box = $("gb-mine");
    if (!mine) { box.hidden = true; return; }
    box.hidden = false;
    box.dataset.state = mine.state;
    box.dataset.code = mine.code;
    $("gb-mine-title").textContent = zx.t("gb_your_group", { title: mine.offer.title, price: money(mine.offer.group_price_minor, mine.offer.currency) });
    seats($("gb-mine-seats"), mine);
    $("gb-mine-status").textContent = note || (mine.paying ? zx.t("gb_paying") : STATUS[mine.state](mine));
    $("gb-share-link").value = location.origin + mine.share_path;
    renderInvite();
    show();
  }

  function tick() {
    if (invite) $("gb-invite-time").textContent = invite.state === "open" ? left(invite.expires_at) : "";
    if (mine) $("gb-mine-time").textContent = mine.state === "open" ? left(mine.expires_at) : "";
  }

  function show() {
    root.hidden = !(offers.length || invite || mine);
    if (!timer) timer = setInterval(tick, 1000);
    tick();
  }

  function ask(action) {
    pending = action;
    $("gb-form-title").textContent = action.kind === "open" ? zx.t("gb_start_title", { title: action.offer.title }) : zx.t("gb_join");
    const offer = action.kind === "open" ? action.offer : invite.offer;
    $("gb-pay").textContent = zx.t("gb_pay", { amount: money(offer.group_price_minor, offer.currency) });
    $("gb-form").hidden = false;
    $("gb-form").scrollIntoView({ behavior: "smooth", block: "center" });
  }

  function idempotencyKey(action) {  // one key per attempt: a double click or a retry gives the same seat
    const name = `zx-group-key-${action.kind}-${action.kind === "open" ? action.offer.id : invite.code}`;
    let key = sessionStorage.getItem(name);
    if (!key) {
      key = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
      sessionStorage.setItem(name, key);
    }
    return [name, key];
  }

  function contactFrom(form) {
    const value = (name) => form.elements[name].value.trim() || null;
    return { contact: { name: value("name"), email: value("email"), phone: value("phone") },
             shipping_address: form.elements.shipping_address.value.trim() };
  }

  async function waitForPayment(orderId) {
    for (let i = 0; i < 60; i += 1) {
      const order = await call("GET", `/api/v1/checkout/orders/${orderId}`);
      if (order.state !== "pending_payment") return order;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(zx.t("gb_waiting"));
  }

  async function pay(event) {
    event.preventDefault();
    const action = pending;
    if (!action) return;
    const button = $("gb-pay");
    button.disabled = true;
    try {
      const [keyName, key] = idempotencyKey(action);
      const url = action.kind === "open"
        ? `/api/v1/sessions/${sessionId}/group-offers/${action.offer.id}/groups${ref ? `?ref=${encodeURIComponent(ref)}` : ""}`
        : `/api/v1/groups/${encodeURIComponent(invite.code)}/members`;
      const seat = await call("POST", url, contactFrom(event.target), { "Idempotency-Key": key });
      mine = { ...seat.group, paying: true };
      localStorage.setItem(mineKey, JSON.stringify({ code: mine.code, order: seat.order.id }));
      $("gb-form").hidden = true;
      renderMine();
      if (seat.order.state === "pending_payment" && seat.payment) {
        if (publishableKey) {
          sessionStorage.setItem(payingKey, JSON.stringify({ id: seat.order.id, payment: seat.payment }));
          openPayment(seat.order.id, seat.payment);
          return;  // the buyer pays in the Payment Element; Stripe then sends them back to this room
        }
        if (!seat.test_payments) throw new Error(zx.t("gb_needs_stripe"));
        await call("POST", seat.payment.test_payment_url);
      }
      const order = await waitForPayment(seat.order.id);
      sessionStorage.removeItem(keyName);
      await refresh(mine.code);
      root.dataset.orderState = order.state;  // after the group is shown fresh: "paid" means the page says so
    } catch (error) {
      notice(error.message);
      if (mine) { mine.paying = false; renderMine(); }
    } finally {
      button.disabled = false;
    }
  }

  function openPayment(orderId, seatPayment) {
    payment = window.zxPayment.mount(publishableKey, "#gb-payment-element", seatPayment);
    payingOrder = orderId;
    $("gb-payment").hidden = false;
    $("gb-payment").scrollIntoView({ behavior: "smooth", block: "center" });
  }

  async function confirmPayment() {
    const failure = $("gb-payment-error");
    failure.hidden = true;
    const back = new URLSearchParams({ gb_order: payingOrder, ...(ref ? { ref } : {}) });
    const { error } = await payment.confirm($("gb-confirm-pay"), `${location.origin}/live/${sessionId}?${back}`);
    if (!error) return;  // Stripe is taking the buyer away (and back to this room)
    failure.textContent = error.type && error.type.endsWith("/payment-provider-unavailable")
      ? "支付服务暂时不可用，座位仍为您保留，请稍后再试 · Payment provider unavailable, your seat is held — try again in a moment."
      : `支付失败，请重试 · ${error.message}`;
    failure.hidden = false;
  }

  // Back from Stripe (?gb_order=…&redirect_status=…): say what Stripe said, then what the order says.
  const RETURN = {
    processing: "处理中：付款确认后自动更新 · Processing — this updates once the payment is confirmed.",
    failed: "支付失败，请重试（座位仍为您保留） · Payment failed — try again; your seat is held until the hold ends.",
    closed: "订单已关闭（保留已过期或付款已取消） · The order is closed: the hold lapsed or the payment was cancelled.",
  };

  function showReturn(outcome) {
    root.dataset.payment = outcome;
    note = RETURN[outcome] || "";
    renderMine();
  }

  async function followReturn(orderId, redirectStatus) {
    const saved = JSON.parse(sessionStorage.getItem(payingKey) || "null");
    if (redirectStatus === "failed") {
      showReturn("failed");
      if (saved && saved.id === orderId && publishableKey) openPayment(orderId, saved.payment);
      return;
    }
    showReturn("processing");  // "succeeded" from Stripe still waits for the webhook
    for (let i = 0; i < 300; i += 1) {
      const order = await call("GET", `/api/v1/checkout/orders/${encodeURIComponent(orderId)}`).catch(() => null);
      if (order && ["paid", "partially_refunded", "refunded"].includes(order.state)) {
        sessionStorage.removeItem(payingKey);
        note = "";
        if (mine) await refresh(mine.code).catch(() => {});
        showReturn("paid");
        root.dataset.orderState = order.state;
        return;
      }
      if (order && ["cancelled", "expired"].includes(order.state)) { sessionStorage.removeItem(payingKey); showReturn("closed"); return; }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async function refresh(code) {
    const group = await call("GET", `/api/v1/groups/${encodeURIComponent(code)}`);
    if (mine && mine.code === code) { mine = { ...group, paying: false }; renderMine(); }
    if (invite && invite.code === code) { invite = group; renderInvite(); }
  }

  function onRoom(event) {
    const e = event.detail;
    if (e && (e.type === "state" || e.type === "snapshot")) { renderOffers(); renderInvite(); return; }
    if (!e || e.type !== "group") return;
    for (const group of [mine, invite]) {
      if (group && group.code === e.code) Object.assign(group, { state: e.state, seats_taken: e.seats_taken, seats_paid: e.seats_paid });
    }
    if (mine && mine.code === e.code && e.state !== "open") refresh(e.code).catch(() => {});  // the end state, fresh
    renderMine(); renderInvite();
  }

  $("gb-form").addEventListener("submit", pay);
  $("gb-confirm-pay").addEventListener("click", () => confirmPayment().catch((error) => notice(error.message)));
  $("gb-cancel").addEventListener("click", () => { $("gb-form").hidden = true; pending = null; });
  $("gb-join").addEventListener("click", () => invite && ask({ kind: "join" }));
  $("gb-copy").addEventListener("click", async () => {
    const input = $("gb-share-link");
    try { await navigator.clipboard.writeText(input.value); } catch (e) { input.select(); document.execCommand("copy"); }
    $("gb-copy").textContent = zx.t("gb_copied");
    setTimeout(() => { $("gb-copy").textContent = zx.t("gb_copy"); }, 1500);
  });
  document.addEventListener("zx:room", onRoom);
  document.addEventListener("zx:lang", () => { renderOffers(); renderInvite(); renderMine(); });
  // The room's messages are the fast path; a slow poll covers a dropped socket.
  setInterval(() => { if (mine && mine.state === "open") refresh(mine.code).catch(() => {}); }, 5000);

  call("GET", `/api/v1/sessions/${sessionId}/group-offers`).then((page) => { offers = page.items; renderOffers(); })
    .catch((error) => notice(error.message));
  const code = new URLSearchParams(location.search).get("group");
  if (code) call("GET", `/api/v1/groups/${encodeURIComponent(code)}`).then((g) => { invite = g; renderInvite(); })
    .catch(() => notice(zx.t("gb_invalid")));
  const saved = JSON.parse(localStorage.getItem(mineKey) || "null");
  const mineLoaded = saved && saved.code ? call("GET", `/api/v1/groups/${encodeURIComponent(saved.code)}`)
    .then((g) => { mine = { ...g, paying: false }; renderMine(); }).catch(() => localStorage.removeItem(mineKey)) : Promise.resolve();
  const returned = new URLSearchParams(location.search);
  if (returned.get("gb_order") && returned.get("redirect_status")) {
    mineLoaded.then(() => followReturn(returned.get("gb_order"), returned.get("redirect_status"))).catch((e) => notice(e.message));
  }
})();
