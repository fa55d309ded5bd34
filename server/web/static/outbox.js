// Dead letters: each Replay button asks the admin API to retry that consumer now (cookie auth,
// through zx.api); a problem+json answer is shown as its `detail`.
(function () {
  "use strict";
  var notice = document.getElementById("outbox-notice");
  var API = "/api/v1/admin/outbox";

  function say(text) { notice.textContent = text; notice.hidden = false; }

  function post(path, body) { return zx.api("POST", API + path, body || {}); }

  function replayed(card) {
    card.classList.add("is-replayed");
    var button = card.querySelector("button.replay");
    button.disabled = true;
    button.textContent = "Replayed · 已重放";
    card.querySelector(".dl-state").textContent = "retrying now · 正在重试";
  }

  document.querySelectorAll(".dead-letter").forEach(function (card) {
    card.querySelector("button.replay").addEventListener("click", function () {
      var path = "/events/" + encodeURIComponent(card.dataset.event) + "/replay";
      post(path, { handler: card.dataset.handler })
        .then(function (data) { replayed(card); say("Replayed " + data.replayed + " · 已重放 " + data.replayed); })
        .catch(function (err) { say(err.message); });
    });
  });

  var all = document.getElementById("replay-all");
  if (all) all.addEventListener("click", function () {
    post("/dead-letters/replay")
      .then(function (data) {
        document.querySelectorAll(".dead-letter").forEach(replayed);
        all.disabled = true;
        say("Replayed " + data.replayed + " · 已重放 " + data.replayed);
      })
      .catch(function (err) { say(err.message); });
  });
})();
