// Share buttons: count the click (POST /articles/<id>/share/), update the total in place,
// and copy the link for the copy button. Without JavaScript every button is a plain link.
(function () {
  "use strict";
  var box = document.querySelector(".share[data-share-endpoint]");
  if (!box) return;
  var endpoint = box.getAttribute("data-share-endpoint");
  var minimum = parseInt(box.getAttribute("data-share-min") || "10", 10);
  var simplified = (document.documentElement.lang || "").toLowerCase().indexOf("hans") !== -1;

  function format(n) {
    var units = [[1e8, simplified ? "亿" : "億"], [1e4, simplified ? "万" : "萬"]];
    for (var i = 0; i < units.length; i++) {
      if (n >= units[i][0]) {
        return (Math.floor(n / units[i][0] * 10) / 10).toFixed(1).replace(/\.0$/, "") + units[i][1];
      }
    }
    return n.toLocaleString("en-US");
  }

  function show(total) {
    var el = box.querySelector("[data-share-total]");
    if (!el || typeof total !== "number") return;
    el.setAttribute("data-share-total", String(total));
    var strong = el.querySelector("strong");
    if (strong) strong.textContent = format(total);
    el.hidden = total < minimum;
  }

  function record(network) {
    var body = new FormData();
    body.append("network", network);
    return fetch(endpoint, { method: "POST", body: body, credentials: "omit", keepalive: true })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) show(data.total); })
      .catch(function () {});
  }

  box.addEventListener("click", function (event) {
    var button = event.target.closest("[data-network]");
    if (!button || !box.contains(button)) return;
    var network = button.getAttribute("data-network");
    if (network === "copy") {
      event.preventDefault();
      var url = button.getAttribute("href");
      var done = function () {
        var label = button.textContent;
        button.textContent = button.getAttribute("data-copied-text") || "✓";
        setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(done, done);
      } else {
        done();
      }
    }
    record(network);
  });
})();
