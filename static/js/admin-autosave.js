// Autosave of the article form (articles/admin/articles/autosave.py): the content fields are posted as JSON when
// they changed, at most once per interval and when the tab is hidden or closed; a banner offers to restore an
// autosave newer than the last save; leaving with unsaved changes asks first. The body is read and written through
// the textarea #id_body only (a rich editor keeps it in sync). A static file: the site's CSP allows no inline script.
(function () {
  "use strict";

  // The content fields (services.autosaves.AUTOSAVE_FIELDS); status and publishing time are not autosaved.
  var FIELDS = ["title", "slug", "summary", "body", "language", "author", "tags", "featured_image", "source",
    "original_source", "original_url", "copyright_notice", "guid"];
  var KEEPALIVE_LIMIT = 60000;  // browsers refuse a keepalive request over 64 KB

  function init() {
    var config = document.getElementById("writing-aids");
    var form = document.getElementById("article_form");
    if (!config || !form) return;
    var url = config.getAttribute("data-autosave-url");
    var interval = Number(config.getAttribute("data-autosave-interval")) || 30000;
    var articleId = config.getAttribute("data-article") ? Number(config.getAttribute("data-article")) : null;
    var status = document.getElementById("autosave-status");
    var tokenInput = form.querySelector("[name=csrfmiddlewaretoken]");
    var submitting = false;
    var sending = false;

    function element(name) {
      var found = form.elements.namedItem(name);
      return found && found.tagName ? found : null;  // a RadioNodeList is not one of our fields
    }

    function snapshot() {
      var fields = {};
      var labels = {};
      FIELDS.forEach(function (name) {
        var el = element(name);
        if (!el) return;
        fields[name] = el.value;
        if (el.tagName === "SELECT" && el.selectedIndex >= 0) labels[name] = el.options[el.selectedIndex].text;
      });
      return { fields: fields, labels: labels };
    }

    function baseVersion() {
      var el = document.getElementById("id_base_version");
      return el && el.value !== "" ? Number(el.value) : null;
    }

    function key(snap) { return JSON.stringify(snap.fields); }

    // What the page came with: unsaved changes are anything else. A form back with errors is unsaved as it stands.
    var unsaved = config.hasAttribute("data-unsaved");
    var loaded = unsaved ? null : key(snapshot());
    var lastSent = loaded;
    var touched = false;
    form.addEventListener("input", function () { touched = true; });
    form.addEventListener("change", function () { touched = true; });
    window.addEventListener("load", function () {
      // A rich editor may normalise the body as it starts: that is still what the page came with.
      setTimeout(function () { if (!touched && !unsaved) loaded = lastSent = key(snapshot()); }, 0);
    });

    function say(text) { if (status) status.textContent = text; }

    function save(leaving) {
      if (submitting || (sending && !leaving)) return;
      var snap = snapshot();
      var current = key(snap);
      if (current === lastSent) return;
      var body = JSON.stringify({ article: articleId, base_version: baseVersion(), fields: snap.fields,
        labels: snap.labels });
      sending = true;
      var options = {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "Content-Type": "application/json", Accept: "application/json",
          "X-CSRFToken": tokenInput ? tokenInput.value : "" }
      };
      if (leaving && body.length < KEEPALIVE_LIMIT) options.keepalive = true;
      fetch(url, options)
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (result) {
          if (result.ok) {
            lastSent = current;
            say("已自動儲存 " + result.data.when);
          } else {
            say("自動儲存失敗：" + (result.data.error || "請稍後再試。"));
          }
        })
        .catch(function () { say("自動儲存失敗：連線中斷，稍後會再試。"); })
        .then(function () { sending = false; });
    }

    setInterval(function () { save(false); }, interval);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") save(true);
    });
    window.addEventListener("pagehide", function () { save(true); });
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || key(snapshot()) === loaded) return;
      event.preventDefault();
      event.returnValue = "";  // the browser shows its own 「確定要離開？」 dialog
    });

    var offer = document.getElementById("autosave-offer");
    if (!offer) return;
    var restoreButton = offer.querySelector("[data-autosave-restore]");
    var discardButton = offer.querySelector("[data-autosave-discard]");

    function fill(data) {
      var fields = data.fields || {};
      var labels = data.labels || {};
      Object.keys(fields).forEach(function (name) {
        if (FIELDS.indexOf(name) < 0) return;
        var el = element(name);
        if (!el) return;
        var value = fields[name];
        if (el.tagName === "SELECT" && value !== "") {
          var found = Array.prototype.some.call(el.options, function (o) { return o.value === value; });
          if (!found) el.appendChild(new Option(labels[name] || value, value, false, false));
        }
        el.value = value;
        el.dispatchEvent(new Event("input", { bubbles: true }));
        el.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }

    restoreButton.addEventListener("click", function () {
      var data = JSON.parse(document.getElementById("autosave-data").textContent);
      fill(data);
      // The optimistic lock still applies: the form now stands on the version the autosave was based on.
      var base = offer.getAttribute("data-base-version");
      var baseInput = document.getElementById("id_base_version");
      if (base !== "" && baseInput) baseInput.value = base;
      offer.hidden = true;
      say("已還原自動儲存的內容；請檢查後按「儲存」。");
    });

    discardButton.addEventListener("click", function () {
      fetch(config.getAttribute("data-autosave-discard-url"), {
        method: "POST", credentials: "same-origin", body: JSON.stringify({ article: articleId }),
        headers: { "Content-Type": "application/json", Accept: "application/json",
          "X-CSRFToken": tokenInput ? tokenInput.value : "" }
      }).catch(function () {});
      offer.hidden = true;
      say("已捨棄自動儲存的內容。");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
