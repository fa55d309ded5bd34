// The brand's partners: applications and partnerships with the rate each partner earns (its own,
// or the brand default, always as a number), approved, rejected or suspended with a reason after
// a confirmation. Policy, rules and their preview are commission_rules.js. All through the API.
(function () {
  "use strict";
  var root = document.getElementById("partners-page");
  if (!root) return;
  var brandId = root.dataset.brand, f = zxForm, $ = function (id) { return document.getElementById(id); };
  var state = { cursor: null, ships: {}, pending: null };

  zx.strings({
    en: {
      partners: "Partners", forbidden: "Partners are for brand and admin tokens.",
      pick_brand: "Open it as /console/partners?brand=brd_… (admin).", show: "Show", all: "All",
      state_pending: "pending", state_approved: "approved", state_suspended: "suspended", state_rejected: "rejected",
      ships_empty: "No partner has applied yet.", load_more: "Load more", cancel: "Cancel",
      own_rate: "own rate", brand_default: "brand default", guide_of: "guide of {name}",
      applied: "applied {when}", reason_was: "Reason: {reason}",
      approve: "Approve", reject: "Reject", suspend: "Suspend", change_rate: "Change rate",
      approve_title: "Approve {name}?", reject_title: "Reject {name}?", suspend_title: "Suspend {name}?",
      change_rate_title: "Change {name}'s rate?",
      approve_what: "Its links start earning from now. Leave the rate empty to keep {rate}.",
      reject_what: "It cannot share your sessions. It is shown the reason.",
      suspend_what: "Its links stop earning at once; orders already paid keep their commission. It is shown the reason.",
      change_rate_what: "Orders paid from now use the new rate; paid ones keep theirs. Leave it empty to keep {rate}.",
      partner_rate: "Partner's rate (%)", use_default: "Use the brand default rate", reason: "Reason (shown to the partner)",
      reason_optional: "Note (optional, shown to the partner)", rate_hint: "Brand default: {rate}",
      decided: "{name}: {state}.", funnel_title: "Partners, side by side", no_sessions: "No sessions yet.",
    },
    zh: {
      partners: "分销伙伴", forbidden: "分销伙伴页面仅供品牌和管理员令牌使用。",
      pick_brand: "管理员请以 /console/partners?brand=brd_… 打开。", show: "显示", all: "全部",
      state_pending: "待审核", state_approved: "已通过", state_suspended: "已暂停", state_rejected: "已拒绝",
      ships_empty: "还没有分销伙伴申请。", load_more: "加载更多", cancel: "取消",
      own_rate: "专属佣金率", brand_default: "品牌默认", guide_of: "{name} 的导购",
      applied: "申请于 {when}", reason_was: "原因：{reason}",
      approve: "通过", reject: "拒绝", suspend: "暂停", change_rate: "修改佣金率",
      approve_title: "通过 {name} 的申请？", reject_title: "拒绝 {name}？", suspend_title: "暂停 {name}？",
      change_rate_title: "修改 {name} 的佣金率？",
      approve_what: "其链接从现在起产生佣金。佣金率留空则保持 {rate}。",
      reject_what: "对方将不能分享您的直播，并会看到拒绝原因。",
      suspend_what: "其链接立即停止产生佣金；已支付订单的佣金不变。对方会看到原因。",
      change_rate_what: "此后支付的订单按新佣金率计算，已支付的不变。留空则保持 {rate}。",
      partner_rate: "伙伴佣金率（%）", use_default: "使用品牌默认佣金率", reason: "原因（对方可见）",
      reason_optional: "备注（可选，对方可见）", rate_hint: "品牌默认：{rate}",
      decided: "{name}：{state}。", funnel_title: "各伙伴实时漏斗", no_sessions: "还没有直播场次。",
    },
  });

  var ACTIONS = {
    pending: [["approved", "approve"], ["rejected", "reject"]],
    approved: [["approved", "change_rate"], ["suspended", "suspend"]],
    suspended: [["approved", "approve"], ["rejected", "reject"]],
    rejected: [["approved", "approve"]],
  };

  function rateText(ship) {
    return f.percent(ship.effective_commission_bps) + " · " + zx.t(ship.rate_source === "partnership" ? "own_rate" : "brand_default");
  }

  function shipItem(ship) {
    var li = f.el("li", "ship state-" + ship.state), head = f.el("div", "who");
    li.dataset.ship = ship.id; li.dataset.partner = ship.partner_id; li.dataset.state = ship.state;
    head.appendChild(f.el("b", "", ship.partner_name));
    head.appendChild(f.el("span", "pill state-" + ship.state, zx.t("state_" + ship.state)));
    li.appendChild(head);
    var rate = f.el("span", "rate", rateText(ship));
    rate.dataset.role = "rate"; rate.dataset.bps = ship.effective_commission_bps;
    li.appendChild(rate);
    var facts = [zx.t("applied", { when: zx.when(ship.created_at, { dateStyle: "medium" }) })];
    if (ship.parent_partner_id) {
      var parent = state.ships[ship.parent_partner_id];
      facts.push(zx.t("guide_of", { name: parent ? parent.partner_name : ship.parent_partner_id }));
    }
    li.appendChild(f.el("small", "facts", facts.join(" · ")));
    if (ship.decision_reason) li.appendChild(f.el("small", "reason", zx.t("reason_was", { reason: ship.decision_reason })));
    var actions = f.el("div", "actions");
    (ACTIONS[ship.state] || []).forEach(function (pair) {
      var button = f.el("button", pair[1] === "approve" || pair[1] === "change_rate" ? "small" : "small secondary", zx.t(pair[1]));
      button.type = "button"; button.dataset.action = pair[1];
      button.addEventListener("click", function () { openDecision(ship, pair[0], pair[1]); });
      actions.appendChild(button);
    });
    li.appendChild(actions);
    return li;
  }

  function load(reset) {
    if (reset) { state.cursor = null; $("ships").textContent = ""; }
    var params = new URLSearchParams({ limit: "100" }), filter = $("ship-filter").value;
    if (filter) params.set("status", filter);
    if (state.cursor) params.set("cursor", state.cursor);
    return zx.api("GET", "/api/v1/brands/" + encodeURIComponent(brandId) + "/partnerships?" + params).then(function (page) {
      page.items.forEach(function (s) { state.ships[s.partner_id] = s; });
      page.items.forEach(function (s) { $("ships").appendChild(shipItem(s)); });
      state.cursor = page.next_cursor; $("ships-more").hidden = !page.next_cursor;
      $("ships-empty").hidden = $("ships").children.length > 0;
    });
  }

  // ---- the decision, confirmed in a dialog --------------------------------------------------
  var dialog = $("decision-dialog"), form = $("decision-form");

  function openDecision(ship, target, action) {
    state.pending = { ship: ship, action: action };
    form.reset(); f.clearErrors(form);
    form.state.value = target;
    var name = ship.partner_name, withRate = target === "approved";
    $("decision-title").textContent = zx.t(action + "_title", { name: name });
    $("decision-what").textContent = zx.t(action + "_what", { rate: rateText(ship) });
    form.querySelectorAll('[data-show="rate"]').forEach(function (n) { n.hidden = !withRate; });
    form.commission_bps.value = ship.commission_bps === null ? "" : f.bpsToPercentText(ship.commission_bps);
    $("rate-hint").textContent = zx.t("rate_hint", { rate: f.percent(state.defaultBps) });
    $("reason-label").textContent = zx.t(withRate ? "reason_optional" : "reason");
    $("decision-confirm").textContent = zx.t(action);
    $("decision-confirm").className = withRate ? "" : "danger";
    dialog.showModal();
    (withRate ? form.commission_bps : form.reason).focus();
  }

  function decisionBody() {
    var body = { state: form.state.value };
    if (form.use_brand_default.checked) body.use_brand_default = true;
    else if (form.commission_bps.value.trim() && form.state.value === "approved") body.commission_bps = f.bpsValue(form.commission_bps.value);
    if (form.reason.value.trim()) body.reason = form.reason.value.trim();
    return body;
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault(); f.clearErrors(form);
    var ship = state.pending.ship;
    zx.api("POST", "/api/v1/partnerships/" + encodeURIComponent(ship.id) + "/decision", decisionBody())
      .then(function (saved) {
        dialog.close();
        f.notice(zx.t("decided", { name: saved.partner_name, state: zx.t("state_" + saved.state) }), true);
        document.dispatchEvent(new CustomEvent("zx:partners-changed"));
        return load(true);
      })
      .catch(function (error) { f.showErrors(form, error); });
  });
  form.use_brand_default.addEventListener("change", function () { form.commission_bps.disabled = form.use_brand_default.checked; });
  $("decision-cancel").addEventListener("click", function () { dialog.close(); });
  $("ship-filter").addEventListener("change", function () { load(true); });
  $("ships-more").addEventListener("click", function () { load(false); });
  document.addEventListener("zx:lang", function () { load(true); });
  document.addEventListener("zx:policy", function (e) { state.defaultBps = e.detail.default_commission_bps; load(true); });

  zx.api("GET", "/api/v1/brands/" + encodeURIComponent(brandId) + "/commission-policy")
    .then(function (policy) { state.defaultBps = policy.default_commission_bps; return load(true); })
    .catch(function (error) { f.notice(error.message); });
})();
