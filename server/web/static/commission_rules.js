// The brand's commission: its policy (brand default rate, platform fee, parent override) and its
// rules (SKU, SKU in a session's line-up, partner × SKU), each previewed on an example order
// before it is saved — the server splits the order with the code that splits paid orders, as
// saved and as it would be (POST …/commission-preview). Nothing here computes a share.
(function () {
  "use strict";
  var root = document.getElementById("partners-page");
  if (!root) return;
  var brandId = root.dataset.brand, f = zxForm, $ = function (id) { return document.getElementById(id); };
  var base = "/api/v1/brands/" + encodeURIComponent(brandId);
  var state = { skus: {}, sessions: {}, partners: {}, rules: [] };

  zx.strings({
    en: {
      policy: "Commission policy", save: "Save", preview: "Preview", rules: "Commission rules",
      policy_help: "Rates in percent. The brand default applies to a partner without a rate of its own and without a rule for the SKU.",
      default_rate: "Brand default rate (%)", platform_fee: "Platform fee (%)",
      parent_override: "Override to the channel partner on its guides' sales (%)",
      rules_help: "The most specific rule wins: partner × SKU, then the session's line-up, then the SKU, then the partner's own rate, then the brand default.",
      rules_empty: "No rule yet: every sale earns the partner's rate.", level: "Level", level_sku: "SKU (every partner)",
      level_lineup: "SKU in one session's line-up", level_partner_sku: "One partner × SKU", sku: "SKU", partner: "Partner",
      session: "Session", rate: "Rate (%)", save_rule: "Save rule", delete: "Delete",
      confirm_delete: "Delete this rule? Orders paid from now fall back to the next rule.",
      preview_title: "Who would earn what",
      preview_help: "An example order, split by the same code that splits paid orders: as saved now, and with the change you are about to save.",
      bought_through: "Bought through", direct: "Nobody (direct)", in_session: "In session", no_session: "—", amount: "Amount",
      party: "Party", who: "Who", rate_col: "Rate", now: "Now", after: "After the change",
      party_partner: "Partner", party_parent: "Channel partner (override)", party_platform: "Platform fee", party_brand: "Brand net",
      total: "Order", policy_saved: "Policy saved.", rule_saved: "Rule saved.", rule_deleted: "Rule deleted.",
      preview_of: "{amount} of {sku} through {who}.", preview_change: "Change previewed: {what}.", preview_none: "No change: as saved.",
      change_policy: "policy", change_rule: "rule {rate} on {sku}", bad_amount: "Enter an amount such as 12.50",
      rule_line: "{level}: {sku}{scope} · {rate}", no_sku: "No active SKU: add one in the catalogue first.",
    },
    zh: {
      policy: "佣金政策", save: "保存", preview: "预览", rules: "佣金规则",
      policy_help: "比例以百分比填写。伙伴没有专属佣金率、商品也没有规则时，按品牌默认佣金率。",
      default_rate: "品牌默认佣金率（%）", platform_fee: "平台服务费（%）", parent_override: "渠道商从其导购销售中的分成（%）",
      rules_help: "越具体的规则优先：伙伴 × 商品，其次场次商品，再次商品，然后是伙伴专属佣金率，最后是品牌默认。",
      rules_empty: "还没有规则：每笔销售按伙伴佣金率计算。", level: "规则层级", level_sku: "商品（所有伙伴）",
      level_lineup: "某场直播中的商品", level_partner_sku: "某伙伴 × 商品", sku: "商品", partner: "伙伴",
      session: "场次", rate: "佣金率（%）", save_rule: "保存规则", delete: "删除",
      confirm_delete: "删除此规则？此后支付的订单按下一条规则计算。",
      preview_title: "谁将获得多少", preview_help: "以示例订单按实际分佣的同一代码计算：当前已保存的规则，以及即将保存的修改。",
      bought_through: "成交渠道", direct: "无（直接购买）", in_session: "直播场次", no_session: "—", amount: "金额",
      party: "参与方", who: "名称", rate_col: "比例", now: "当前", after: "修改后",
      party_partner: "伙伴", party_parent: "渠道商分成", party_platform: "平台服务费", party_brand: "品牌净收入",
      total: "订单", policy_saved: "佣金政策已保存。", rule_saved: "规则已保存。", rule_deleted: "规则已删除。",
      preview_of: "{who} 带来的 {sku}，金额 {amount}。", preview_change: "预览修改：{what}。", preview_none: "无修改：按已保存规则。",
      change_policy: "佣金政策", change_rule: "{sku} 佣金率 {rate}", bad_amount: "请输入金额，如 12.50",
      rule_line: "{level}：{sku}{scope} · {rate}", no_sku: "没有在售商品：请先在商品库添加。",
    },
  });

  function fill(select, items, first) {
    var keep = select.value;
    select.textContent = "";
    if (first) select.appendChild(f.option("", first));
    items.forEach(function (pair) { select.appendChild(f.option(pair[0], pair[1])); });
    if (keep && Array.prototype.some.call(select.options, function (o) { return o.value === keep; })) select.value = keep;
  }

  function loadChoices() {
    return Promise.all([
      zx.api("GET", base + "/skus?status=active&limit=200"),
      zx.api("GET", base + "/sessions?limit=50"),
      zx.api("GET", base + "/partnerships?limit=200"),
    ]).then(function (all) {
      all[0].items.forEach(function (s) { state.skus[s.id] = s; });
      all[1].items.forEach(function (s) { state.sessions[s.id] = s; });
      all[2].items.forEach(function (p) { state.partners[p.partner_id] = p; });
      var skus = all[0].items.map(function (s) { return [s.id, s.title + " · " + s.code]; });
      var sessions = all[1].items.map(function (s) { return [s.id, s.title]; });
      var partners = all[2].items.map(function (p) { return [p.partner_id, p.partner_name]; });
      ["rule-form", "example-form"].forEach(function (id) { fill($(id).sku_id, skus); fill($(id).session_id, sessions, id === "example-form" ? zx.t("no_session") : null); });
      fill($("rule-form").partner_id, partners);
      fill($("example-form").partner_id, partners, zx.t("direct"));
      // until the brand picks one, the example is a sale through its first approved partner
      var first = all[2].items.filter(function (p) { return p.state === "approved"; })[0];
      if (!state.exampleChosen && first) $("example-form").partner_id.value = first.partner_id;
      if (!skus.length) $("rule-form").querySelector('[data-for="sku_id"]').textContent = zx.t("no_sku");
      setAmount();
    });
  }

  // ---- policy --------------------------------------------------------------------------------
  var policyForm = $("policy-form");
  function showPolicy(policy) {
    policyForm.default_commission_bps.value = f.bpsToPercentText(policy.default_commission_bps);
    policyForm.platform_fee_bps.value = f.bpsToPercentText(policy.platform_fee_bps);
    policyForm.parent_override_bps.value = f.bpsToPercentText(policy.parent_override_bps);
  }
  function policyBody() {
    return {
      default_commission_bps: f.bpsValue(policyForm.default_commission_bps.value),
      platform_fee_bps: f.bpsValue(policyForm.platform_fee_bps.value),
      parent_override_bps: f.bpsValue(policyForm.parent_override_bps.value),
    };
  }
  policyForm.addEventListener("submit", function (e) {
    e.preventDefault(); f.clearErrors(policyForm);
    zx.api("PUT", base + "/commission-policy", policyBody())
      .then(function (policy) {
        showPolicy(policy); f.notice(zx.t("policy_saved"), true);
        document.dispatchEvent(new CustomEvent("zx:policy", { detail: policy }));
        return runPreview(null, null);
      })
      .catch(function (error) { f.showErrors(policyForm, error); });
  });
  $("policy-preview").addEventListener("click", function () {
    f.clearErrors(policyForm);
    runPreview({ policy: policyBody() }, policyForm, zx.t("change_policy"));
  });

  // ---- rules ---------------------------------------------------------------------------------
  var ruleForm = $("rule-form");
  function showLevel() {
    var level = ruleForm.level.value;
    ruleForm.querySelectorAll("[data-level]").forEach(function (n) { n.hidden = n.dataset.level !== level; });
  }
  function ruleBody() {
    var level = ruleForm.level.value, body = { sku_id: ruleForm.sku_id.value, rate_bps: f.bpsValue(ruleForm.rate_bps.value) };
    if (level === "partner_sku") body.partner_id = ruleForm.partner_id.value;
    if (level === "lineup") body.session_id = ruleForm.session_id.value;
    return body;
  }
  function ruleItem(rule) {
    var li = f.el("li"), sku = state.skus[rule.sku_id], scope = "";
    li.dataset.rule = rule.id;
    if (rule.partner_id) scope = " × " + ((state.partners[rule.partner_id] || {}).partner_name || rule.partner_id);
    if (rule.session_id) scope = " @ " + ((state.sessions[rule.session_id] || {}).title || rule.session_id);
    li.appendChild(f.el("span", "", zx.t("rule_line", {
      level: zx.t("level_" + rule.kind), sku: sku ? sku.title : rule.sku_id, scope: scope, rate: f.percent(rule.rate_bps),
    })));
    var remove = f.el("button", "small secondary", zx.t("delete"));
    remove.type = "button";
    remove.addEventListener("click", function () {
      if (!confirm(zx.t("confirm_delete"))) return;
      zx.api("DELETE", base + "/commission-rules/" + encodeURIComponent(rule.id))
        .then(function () { f.notice(zx.t("rule_deleted"), true); return loadRules(); })
        .then(function () { return runPreview(null, null); })
        .catch(function (error) { f.notice(error.message); });
    });
    li.appendChild(remove);
    return li;
  }
  function loadRules() {
    return zx.api("GET", base + "/commission-rules?limit=200").then(function (page) {
      $("rules").textContent = "";
      page.items.forEach(function (r) { $("rules").appendChild(ruleItem(r)); });
      $("rules-empty").hidden = page.items.length > 0;
    });
  }
  ruleForm.addEventListener("submit", function (e) {
    e.preventDefault(); f.clearErrors(ruleForm);
    zx.api("POST", base + "/commission-rules", ruleBody())
      .then(function () { f.notice(zx.t("rule_saved"), true); ruleForm.rate_bps.value = ""; return loadRules(); })
      .then(function () { return runPreview(null, null); })
      .catch(function (error) { f.showErrors(ruleForm, error); });
  });
  $("rule-preview").addEventListener("click", function () {
    f.clearErrors(ruleForm);
    var body = ruleBody(), sku = state.skus[body.sku_id];
    // the example follows the rule: its SKU (and its partner or session) is what gets previewed
    var example = $("example-form");
    if (sku) { example.sku_id.value = body.sku_id; setAmount(); }
    if (body.partner_id) example.partner_id.value = body.partner_id;
    if (body.session_id) example.session_id.value = body.session_id;
    var what = zx.t("change_rule", { rate: f.percent(f.percentToBps(ruleForm.rate_bps.value)), sku: sku ? sku.title : body.sku_id });
    runPreview({ rule: body }, ruleForm, what);
  });
  ruleForm.level.addEventListener("change", showLevel);

  // ---- the preview ---------------------------------------------------------------------------
  var example = $("example-form");
  function setAmount() {
    var sku = state.skus[example.sku_id.value];
    example.amount.value = sku ? zx.fromMinor(sku.price_minor, sku.currency) : "";
  }
  function exampleBody() {
    var sku = state.skus[example.sku_id.value], currency = sku ? sku.currency : root.dataset.currency;
    var amount = zx.toMinor(example.amount.value, currency);
    if (amount === null) return null;
    var body = { lines: [{ sku_id: example.sku_id.value, amount_minor: amount }] };
    if (example.partner_id.value) body.partner_id = example.partner_id.value;
    if (example.session_id.value) body.session_id = example.session_id.value;
    return body;
  }

  function runPreview(proposed, origin, what) {
    f.clearErrors(example);
    var body = exampleBody();
    if (!example.sku_id.value) return Promise.resolve();
    if (body === null) { example.querySelector('[data-for="amount_minor"]').textContent = zx.t("bad_amount"); return Promise.resolve(); }
    if (proposed) body.proposed = proposed;
    return zx.api("POST", base + "/commission-preview", body)
      .then(function (answer) { showPreview(answer, body, proposed ? zx.t("preview_change", { what: what }) : zx.t("preview_none")); })
      .catch(function (error) { f.showErrors(origin || example, error, example); });
  }

  function showPreview(answer, body, change) {
    var rows = $("preview-rows"), sku = state.skus[body.lines[0].sku_id];
    var who = body.partner_id ? (state.partners[body.partner_id] || {}).partner_name : zx.t("direct");
    $("preview-what").textContent = zx.t("preview_of", {
      amount: zx.money(answer.amount_minor, answer.currency), sku: sku ? sku.title : "", who: who,
    }) + " " + change;
    rows.textContent = "";
    answer.proposed.shares.forEach(function (share, i) {
      var before = answer.current.shares[i] || {}, tr = f.el("tr");
      tr.dataset.party = share.party;
      if (before.amount_minor !== share.amount_minor) tr.className = "changed";
      tr.appendChild(f.el("td", "", zx.t("party_" + share.party)));
      tr.appendChild(f.el("td", "", share.owner_name));
      var rate = f.el("td", "num", share.rate_bps === null ? "—" : f.percent(share.rate_bps));
      rate.title = share.rule;
      tr.appendChild(rate);
      [[before.amount_minor, "now"], [share.amount_minor, "after"]].forEach(function (pair) {
        var td = f.el("td", "num", zx.money(pair[0], answer.currency));
        td.dataset.col = pair[1];
        tr.appendChild(td);
      });
      rows.appendChild(tr);
    });
    $("preview-table").hidden = false;
  }

  example.addEventListener("change", function (e) {
    state.exampleChosen = true;
    if (e.target.name === "sku_id") setAmount();
    runPreview(null, null);
  });
  document.addEventListener("zx:partners-changed", function () { loadChoices().then(function () { return runPreview(null, null); }); });
  document.addEventListener("zx:lang", function () {
    loadChoices().then(loadRules).then(function () { return runPreview(null, null); });
  });

  showLevel();
  Promise.all([zx.api("GET", base + "/commission-policy").then(showPolicy), loadChoices()])
    .then(loadRules)
    .then(function () { return runPreview(null, null); })
    .catch(function (error) { f.notice(error.message); });
})();
