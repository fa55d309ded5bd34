// The brand's catalogue: search, page through, create and edit SKUs, adjust stock by a delta (the
// server counts it on the row as it is, so a sale made meanwhile is never overwritten), archive
// and restore. Every change goes through the API; its problem+json reasons show beside the field.
(function () {
  "use strict";
  var root = document.getElementById("catalogue");
  if (!root) return;
  var brandId = root.dataset.brand, currency = root.dataset.currency;
  var $ = function (id) { return document.getElementById(id); };
  var state = { cursor: null, editing: null, searchTimer: null };

  zx.strings({
    en: {
      catalogue: "Catalogue",
      forbidden: "The catalogue is for brand and admin tokens.", pick_brand: "Open it as /console/catalogue?brand=brd_… (admin).",
      new_sku: "New SKU", edit_sku: "Edit SKU", search_placeholder: "Search title or code", status: "Status",
      all_statuses: "All statuses", status_active: "Active", status_draft: "Draft", status_archived: "Archived",
      empty: "No SKU matches.", load_more: "Load more", code: "Code", title: "Title", price: "Price", stock: "Stock",
      image_url: "Image URL", cancel: "Cancel", save: "Save", edit: "Edit", archive: "Archive", restore: "Restore",
      apply: "Apply", in_stock: "{n} in stock", delta_label: "Add or remove units (e.g. 10 or -3)",
      saved: "Saved.", stock_now: "Stock is now {n}.", bad_price: "Enter a price such as 12.50",
      bad_delta: "Enter a whole number of units, such as 10 or -3", bad_stock: "Enter a whole number of units",
      archived_ok: "Archived: it can no longer be added to a line-up.", restored_ok: "Restored.",
    },
    zh: {
      catalogue: "商品库",
      forbidden: "商品库仅供品牌和管理员令牌使用。", pick_brand: "管理员请以 /console/catalogue?brand=brd_… 打开。",
      new_sku: "新建商品", edit_sku: "编辑商品", search_placeholder: "搜索名称或编码", status: "状态",
      all_statuses: "全部状态", status_active: "在售", status_draft: "草稿", status_archived: "已归档",
      empty: "没有匹配的商品。", load_more: "加载更多", code: "编码", title: "名称", price: "价格", stock: "库存",
      image_url: "图片链接", cancel: "取消", save: "保存", edit: "编辑", archive: "归档", restore: "恢复",
      apply: "调整", in_stock: "库存 {n}", delta_label: "增减库存（如 10 或 -3）",
      saved: "已保存。", stock_now: "当前库存 {n}。", bad_price: "请输入价格，如 12.50",
      bad_delta: "请输入整数件数，如 10 或 -3", bad_stock: "请输入整数件数",
      archived_ok: "已归档：不能再加入直播商品列表。", restored_ok: "已恢复。",
    },
  });


  function notice(text, ok) { zx.notice($("notice"), text, { ok: ok, hideAfterMs: 5000 }); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- the list --------------------------------------------------------------------------
  function listUrl() {
    var params = new URLSearchParams({ limit: "20" });
    if ($("q").value.trim()) params.set("q", $("q").value.trim());
    if ($("status").value) params.set("status", $("status").value);
    if (state.cursor) params.set("cursor", state.cursor);
    return "/api/v1/brands/" + encodeURIComponent(brandId) + "/skus?" + params;
  }
  function load(reset) {
    if (reset) { state.cursor = null; $("skus").textContent = ""; }
    return zx.api("GET", listUrl()).then(function (page) {
      page.items.forEach(function (sku) { $("skus").appendChild(card(sku)); });
      state.cursor = page.next_cursor;
      $("more").hidden = !page.next_cursor;
      $("empty").hidden = $("skus").children.length > 0;
    }).catch(function (error) { notice(error.message); });
  }

  function card(sku) {
    var li = el("li", "sku" + (sku.status === "archived" ? " archived" : ""));
    li.dataset.sku = sku.id;
    var image = sku.image_url ? el("img") : el("div", "noimg");
    if (sku.image_url) { image.src = sku.image_url; image.alt = ""; image.loading = "lazy"; }
    var name = el("div", "name");
    name.appendChild(el("b", "", sku.title));
    name.appendChild(el("small", "", sku.code + " · "));
    name.lastChild.appendChild(el("span", "badge", zx.t("status_" + sku.status)));
    li.append(image, name, el("div", "price", zx.money(sku.price_minor, sku.currency)), controls(sku));
    return li;
  }

  function controls(sku) {
    var box = el("div", "controls");
    var stock = el("span", "stock", zx.t("in_stock", { n: zx.number(sku.stock) }));
    var delta = el("input", "delta");
    delta.inputMode = "numeric"; delta.placeholder = "±"; delta.setAttribute("aria-label", zx.t("delta_label"));
    var apply = button(zx.t("apply"), "secondary small apply", function () { adjust(sku, delta, stock); });
    delta.addEventListener("keydown", function (e) { if (e.key === "Enter") apply.click(); });
    var edit = button(zx.t("edit"), "secondary small edit", function () { openForm(sku); });
    var archived = sku.status === "archived";
    var toggle = button(zx.t(archived ? "restore" : "archive"), "secondary small toggle", function () {
      save(sku.id, { status: archived ? "active" : "archived" }, zx.t(archived ? "restored_ok" : "archived_ok"));
    });
    box.append(stock, delta, apply, edit, toggle);
    return box;
  }
  function button(text, cls, onClick) {
    var b = el("button", cls, text);
    b.type = "button"; b.addEventListener("click", onClick);
    return b;
  }

  function adjust(sku, input, label) {
    var text = input.value.trim();
    if (!/^[-+]?\d+$/.test(text) || Number(text) === 0) { notice(zx.t("bad_delta")); input.focus(); return; }
    zx.api("PATCH", "/api/v1/skus/" + encodeURIComponent(sku.id), { stock_delta: Number(text) })
      .then(function (updated) {
        sku.stock = updated.stock; input.value = "";
        label.textContent = zx.t("in_stock", { n: zx.number(updated.stock) });
        notice(zx.t("stock_now", { n: zx.number(updated.stock) }), true);
      })
      .catch(function (error) { notice(error.message); });
  }

  function save(skuId, body, message) {
    return zx.api("PATCH", "/api/v1/skus/" + encodeURIComponent(skuId), body)
      .then(function (updated) {
        var old = document.querySelector('[data-sku="' + updated.id + '"]');
        if (old) old.replaceWith(card(updated));
        notice(message || zx.t("saved"), true);
        return updated;
      })
      .catch(function (error) { notice(error.message); throw error; });
  }

  // ---- the form (create and edit) ---------------------------------------------------------
  var form = $("sku-form"), dialog = $("sku-dialog");
  function openForm(sku) {
    state.editing = sku || null;
    form.reset(); clearErrors();
    $("sku-form-title").textContent = zx.t(sku ? "edit_sku" : "new_sku");
    form.code.disabled = !!sku;
    form.querySelector(".create-only").hidden = !!sku;
    if (sku) {
      form.code.value = sku.code; form.title.value = sku.title;
      form.price.value = zx.fromMinor(sku.price_minor, currency); form.image_url.value = sku.image_url || "";
    }
    dialog.showModal();
    (sku ? form.title : form.code).focus();
  }
  function clearErrors() { zx.clearErrors(form); }
  function showError(field, text) { zx.fieldError(form, field, text); }

  function formBody() {
    var price = zx.toMinor(form.price.value, currency);
    if (price === null) { showError("price_minor", zx.t("bad_price")); return null; }
    var body = { title: form.title.value.trim(), price_minor: price };
    if (form.image_url.value.trim()) body.image_url = form.image_url.value.trim();
    if (state.editing) return body;
    if (!/^\d+$/.test(form.stock.value.trim())) { showError("stock", zx.t("bad_stock")); return null; }
    return Object.assign(body, { code: form.code.value.trim(), stock: Number(form.stock.value.trim()) });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault(); clearErrors();
    var body = formBody();
    if (!body) return;
    $("sku-save").disabled = true;
    var request = state.editing
      ? save(state.editing.id, body)
      : zx.api("POST", "/api/v1/brands/" + encodeURIComponent(brandId) + "/skus", body).then(function (sku) {
        $("skus").prepend(card(sku)); $("empty").hidden = true; notice(zx.t("saved"), true);
      });
    request.then(function () { dialog.close(); }).catch(function (error) { zx.showErrors(form, error); }).finally(function () { $("sku-save").disabled = false; });
  });
  $("sku-cancel").addEventListener("click", function () { dialog.close(); });
  $("new-sku").addEventListener("click", function () { openForm(null); });
  $("more").addEventListener("click", function () { load(false); });
  $("search").addEventListener("submit", function (e) { e.preventDefault(); load(true); });
  $("q").addEventListener("input", function () {
    clearTimeout(state.searchTimer); state.searchTimer = setTimeout(function () { load(true); }, 250);
  });
  $("status").addEventListener("change", function () { load(true); });
  document.addEventListener("zx:lang", function () { load(true); });
  load(true);
})();
