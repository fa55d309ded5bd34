// The brand's settings: its policies (PATCH /api/v1/brands/{id} {"settings"}) and where its
// pre-live reminders go (/api/v1/brands/{id}/notifier). Values are sent as typed, so what is
// refused is refused by the API, and its reason shows beside the field.
(function () {
  "use strict";
  var root = document.getElementById("settings-page");
  if (!root) return;
  var f = zxForm, $ = function (id) { return document.getElementById(id); };
  var base = "/api/v1/brands/" + encodeURIComponent(root.dataset.brand);
  var form = $("settings-form"), hook = $("notifier-form");
  var DAYS = [
    "attribution_window_days", "protection_period_days", "hold_period_days", "per_buyer_limit_per_sku",
    "auto_delivery_days", "return_window_days", "aftersale_auto_approve_days", "replay_live_price_days",
  ];

  zx.strings({
    en: {
      settings: "Settings", forbidden: "Settings are for brand and admin tokens.",
      release_on: "Commission becomes available", release_on_completion: "when the order completes",
      release_on_days: "after the hold period",
      release_on_help: "On completion: delivered and past the return window with no open after-sales request, so a return never claws back a payout.",
      after_sale: "After the sale", auto_delivery: "Delivered automatically after shipping (days)",
      return_window: "Return window after delivery (days)",
      auto_approve: "After-sales requests approved if not answered in (days)", return_address: "Return address",
      pick_brand: "Open it as /console/settings?brand=brd_… (admin).", save: "Save",
      attribution: "Who earns an order", attribution_window: "Attribution window (days)",
      attribution_window_help: "A partner's link earns an order when it was clicked at most this many days before.",
      binding: "Customer binding period (days)",
      binding_help: "A buyer stays with the partner of their first order this long; 0 turns binding off.",
      binding_forever: "Bound forever", self_referral: "A partner's own purchases earn it commission",
      money: "Commission", hold_period: "Hold period (days)",
      hold_period_help: "Commission waits this long after payment (for refunds) before it can be paid out.",
      default_rate_is: "Brand default rate:", set_on_partners: "set it with the commission policy on the Partners page",
      live_sale: "During the live sale", per_buyer_limit: "Per-buyer limit (units of one SKU per session)",
      unpaid_share: "Share of a SKU's units unpaid orders may hold (%)",
      unpaid_share_help: "Checkouts that have not paid yet can hold at most this share of the units left, so a crowd of abandoned carts cannot sell a SKU out.",
      blocked_words: "Blocked words in comments (one per line)", saved: "Settings saved.",
      replay_days: "Replay keeps the live price (days after the show)",
      replay_days_help: "Viewers of the replay buy at the live price this long after the show ends, then at the list price; 0: the list price at once.",
      notifier: "Reminder notifier",
      notifier_help: "Pre-live reminders go to your webhook, signed with a secret; without one they are only written to the server log.",
      notifier_now: "Now:", kind_log: "the server log", kind_webhook: "your webhook", webhook_url: "Webhook URL",
      rotate: "Issue a new signing secret", remove_webhook: "Remove the webhook",
      secret_once: "Signing secret (shown only now, copy it): {secret}", notifier_saved: "Notifier saved.",
      confirm_remove: "Remove the webhook? Reminders will only be written to the log.", notifier_removed: "Webhook removed.",
    },
    zh: {
      settings: "设置", forbidden: "设置仅供品牌和管理员令牌使用。",
      release_on: "佣金可结算时间", release_on_completion: "订单完成后", release_on_days: "冻结期结束后",
      release_on_help: "订单完成：已收货且退货期已过、没有未结束的售后申请，退货不会追回已结算的佣金。",
      after_sale: "售后", auto_delivery: "发货后自动确认收货（天）", return_window: "收货后退货期（天）",
      auto_approve: "售后申请未处理自动同意（天）", return_address: "退货地址",
      pick_brand: "管理员请以 /console/settings?brand=brd_… 打开。", save: "保存",
      attribution: "订单归属", attribution_window: "归因窗口（天）",
      attribution_window_help: "订单前这么多天内点击过的分销链接可获得该订单。",
      binding: "锁粉期（天）", binding_help: "买家首单后在这段时间内归属该伙伴；0 表示不锁粉。",
      binding_forever: "永久锁粉", self_referral: "伙伴自购也计佣金",
      money: "佣金", hold_period: "佣金冻结期（天）", hold_period_help: "支付后佣金冻结这么多天（以应对退款），之后才可结算。",
      default_rate_is: "品牌默认佣金率：", set_on_partners: "在分销伙伴页面的佣金政策中设置",
      live_sale: "直播期间", per_buyer_limit: "每人限购（每场每个商品的件数）",
      unpaid_share: "未支付订单最多可占用的库存比例（%）",
      unpaid_share_help: "未支付的订单最多占用剩余库存的这个比例，避免大量弃单把商品占成售罄。",
      blocked_words: "评论屏蔽词（每行一个）", saved: "设置已保存。",
      replay_days: "回放保留直播价（直播结束后天数）",
      replay_days_help: "直播结束后这么多天内，回放观众按直播价购买，之后按原价；0 表示立即按原价。",
      notifier: "开播提醒通知", notifier_help: "开播提醒发送到您的 Webhook，并附签名；未设置时只写入服务器日志。",
      notifier_now: "当前：", kind_log: "服务器日志", kind_webhook: "您的 Webhook", webhook_url: "Webhook 地址",
      rotate: "生成新的签名密钥", remove_webhook: "移除 Webhook",
      secret_once: "签名密钥（仅显示这一次，请复制）：{secret}", notifier_saved: "通知设置已保存。",
      confirm_remove: "移除 Webhook？提醒将只写入日志。", notifier_removed: "Webhook 已移除。",
    },
  });

  // ---- policies --------------------------------------------------------------------------------
  function show(settings) {
    DAYS.forEach(function (name) { form[name].value = settings[name] === null ? "" : String(settings[name]); });
    form.binding_forever.checked = settings.protection_period_days === null;
    form.protection_period_days.disabled = form.binding_forever.checked;
    form.self_referral_earns.checked = settings.self_referral_earns;
    form.unpaid_hold_share_bps.value = f.bpsToPercentText(settings.unpaid_hold_share_bps);
    form.blocked_words.value = settings.blocked_words.join("\n");
    form.release_on.value = settings.release_on;
    form.return_address.value = settings.return_address || "";
    $("default-rate").textContent = f.percent(settings.default_commission_bps);
  }

  // What the form says, over the settings as they are now (so nothing this page does not show is lost).
  function merged(current) {
    var next = Object.assign({}, current);
    DAYS.forEach(function (name) {
      var text = form[name].value.trim();
      next[name] = /^-?\d+$/.test(text) ? Number(text) : text;
    });
    if (form.binding_forever.checked) next.protection_period_days = null;
    next.self_referral_earns = form.self_referral_earns.checked;
    next.unpaid_hold_share_bps = f.bpsValue(form.unpaid_hold_share_bps.value);
    next.release_on = form.release_on.value;
    next.return_address = form.return_address.value.trim() || null;
    next.blocked_words = form.blocked_words.value.split("\n").map(function (w) { return w.trim(); }).filter(Boolean);
    return next;
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault(); f.clearErrors(form);
    zx.api("GET", base)
      .then(function (brand) { return zx.api("PATCH", base, { settings: merged(brand.settings) }); })
      .then(function (brand) { show(brand.settings); f.notice(zx.t("saved"), true); })
      .catch(function (error) { f.showErrors(form, error); });
  });
  form.binding_forever.addEventListener("change", function () { form.protection_period_days.disabled = form.binding_forever.checked; });

  // ---- the notifier ------------------------------------------------------------------------------
  function showNotifier(notifier) {
    $("notifier-kind").textContent = zx.t("kind_" + notifier.kind);
    $("notifier-hint").hidden = !notifier.secret_hint;
    $("notifier-hint").textContent = notifier.secret_hint || "";
    hook.url.value = notifier.url || "";
    hook.rotate_secret.checked = false;
    $("notifier-remove").disabled = notifier.kind !== "webhook";
    $("notifier-secret").hidden = !notifier.secret;
    $("notifier-secret").textContent = notifier.secret ? zx.t("secret_once", { secret: notifier.secret }) : "";
  }
  hook.addEventListener("submit", function (e) {
    e.preventDefault(); f.clearErrors(hook);
    zx.api("PUT", base + "/notifier", { url: hook.url.value.trim(), rotate_secret: hook.rotate_secret.checked })
      .then(function (notifier) { showNotifier(notifier); f.notice(zx.t("notifier_saved"), true); })
      .catch(function (error) { f.showErrors(hook, error); });
  });
  $("notifier-remove").addEventListener("click", function () {
    if (!confirm(zx.t("confirm_remove"))) return;
    zx.api("DELETE", base + "/notifier")
      .then(function () { return zx.api("GET", base + "/notifier"); })
      .then(function (notifier) { showNotifier(notifier); f.notice(zx.t("notifier_removed"), true); })
      .catch(function (error) { f.notice(error.message); });
  });

  document.addEventListener("zx:lang", function () {
    zx.api("GET", base).then(function (brand) { $("default-rate").textContent = f.percent(brand.settings.default_commission_bps); });
    zx.api("GET", base + "/notifier").then(function (n) { $("notifier-kind").textContent = zx.t("kind_" + n.kind); });
  });
  Promise.all([zx.api("GET", base).then(function (b) { show(b.settings); }), zx.api("GET", base + "/notifier").then(showNotifier)])
    .catch(function (error) { f.notice(error.message); });
})();
