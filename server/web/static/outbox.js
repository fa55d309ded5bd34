// Dead letters: each Replay button asks the admin API to retry that consumer now (cookie auth,
// through zx.api); a problem+json answer is shown as its `detail`. The page's text is the server's
// (outbox.html); the words this script adds are below, and each time is shown by zx.when.
(function () {
  "use strict";
  zx.strings({
    en: { replayed: "Replayed", retrying: "retrying now", replayed_n: "Replayed {n}" },
    zh: { replayed: "已重放", retrying: "正在重试", replayed_n: "已重放 {n} 条" },
  });
  var notice = document.getElementById("outbox-notice");
  var API = "/api/v1/admin/outbox";

  function say(text) { notice.textContent = text; notice.hidden = false; }

  function post(path, body) { return zx.api("POST", API + path, body || {}); }

  function replayed(card) {
    card.classList.add("is-replayed");
    var button = card.querySelector("button.replay");
    button.disabled = true;
    button.textContent = zx.t("replayed");
    card.querySelector(".dl-state").textContent = zx.t("retrying");
  }

  document.querySelectorAll(".dead-letter time[datetime]").forEach(function (time) {
    time.textContent = zx.when(time.getAttribute("datetime"));
  });

  document.querySelectorAll(".dead-letter").forEach(function (card) {
    card.querySelector("button.replay").addEventListener("click", function () {
      var path = "/events/" + encodeURIComponent(card.dataset.event) + "/replay";
      post(path, { handler: card.dataset.handler })
        .then(function (data) { replayed(card); say(zx.t("replayed_n", { n: data.replayed })); })
        .catch(function (err) { say(err.message); });
    });
  });

  var all = document.getElementById("replay-all");
  if (all) all.addEventListener("click", function () {
    post("/dead-letters/replay")
      .then(function (data) {
        document.querySelectorAll(".dead-letter").forEach(replayed);
        all.disabled = true;
        say(zx.t("replayed_n", { n: data.replayed }));
      })
      .catch(function (err) { say(err.message); });
  });
})();
