// The orders page's bulk shipping: the CSV of lines left to ship is a plain download (the token
// cookie signs it); a CSV of tracking numbers is posted as text and each row's result is listed.
(function () {
  "use strict";
  var root = document.getElementById("bulk-shipping");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var url = "/api/v1/brands/" + encodeURIComponent(root.dataset.brand) + "/tracking-import";

  zx.strings({
    en: {
      bulk_title: "Ship in bulk", bulk_export: "Download the lines left to ship (CSV, with contact and address)",
      bulk_file: "Tracking numbers (CSV: order_id, carrier, tracking_number[, line_id, quantity])",
      bulk_send: "Import and ship", bulk_pick: "Choose a CSV file first.",
      bulk_summary: "{shipped} row(s) shipped, {refused} refused.", bulk_row_shipped: "Row {row}: {order} shipped",
      bulk_row_refused: "Row {row}: {order} refused — {reason}",
    },
    zh: {
      bulk_title: "批量发货", bulk_export: "下载待发货明细（CSV，含联系人和地址）",
      bulk_file: "运单号文件（CSV：order_id, carrier, tracking_number[, line_id, quantity]）",
      bulk_send: "导入并发货", bulk_pick: "请先选择 CSV 文件。",
      bulk_summary: "{shipped} 行已发货，{refused} 行被拒绝。", bulk_row_shipped: "第 {row} 行：{order} 已发货",
      bulk_row_refused: "第 {row} 行：{order} 被拒绝 —— {reason}",
    },
  });

  function rowItem(r) {
    var li = document.createElement("li");
    li.className = "bulk-" + r.result;
    li.textContent = zx.t("bulk_row_" + r.result, { row: r.row, order: r.order_id || "—", reason: r.reason || "" });
    return li;
  }
  function show(result) {
    $("bulk-summary").textContent = zx.t("bulk_summary", { shipped: result.shipped, refused: result.refused });
    $("bulk-rows").textContent = "";
    result.rows.forEach(function (r) { $("bulk-rows").appendChild(rowItem(r)); });
  }

  $("bulk-import").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = $("bulk-import"), file = $("bulk-file").files[0];
    zx.clearErrors(form);
    if (!file) { zx.fieldError(form, "_form", zx.t("bulk_pick")); return; }
    file.text().then(function (text) {
      return fetch(url, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "text/csv", Accept: "application/json" }, body: text });
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.detail || zx.t("request_failed", { status: response.status }));
        show(data);
      });
    }).catch(function (error) { zx.fieldError(form, "_form", error.message); });
  });
})();
