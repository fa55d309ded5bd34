// The dashboard's "Live and replay" panel: the session's sales with the replay's apart, and its
// replay views (GET /api/v1/sessions/{id}/replay/figures), loaded once with the page.
(function () {
  "use strict";
  var root = document.getElementById("replay-figures");
  if (!root) return;
  zx.strings({
    en: { replay_title: "Live and replay", r_views: "Views", r_orders: "Orders", r_gmv: "GMV", r_live: "Live", r_replay: "Replay" },
    zh: { replay_title: "直播与回放", r_views: "观看", r_orders: "订单", r_gmv: "成交额", r_live: "直播", r_replay: "回放" },
  });
  var set = function (id, text) { document.getElementById(id).textContent = text; };
  zx.api("GET", "/api/v1/sessions/" + encodeURIComponent(root.dataset.session) + "/replay/figures").then(function (f) {
    set("r-live-orders", zx.number(f.live_orders));
    set("r-live-gmv", zx.money(f.live_gmv_minor, f.currency));
    set("r-replay-views", zx.number(f.replay_views));
    set("r-replay-orders", zx.number(f.replay_orders));
    set("r-replay-gmv", zx.money(f.replay_gmv_minor, f.currency));
  });
})();
