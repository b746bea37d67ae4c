// The article form's publishing bar (articles/admin/publishbar.py): a live slug preview while the title is typed,
// and the chosen publishing time said in Taipei time. A static file: the site's CSP allows no inline script.
(function () {
  "use strict";

  function slugPreview(bar) {
    var url = bar.getAttribute("data-slug-preview-url");
    var title = document.getElementById("id_title");
    var slug = document.getElementById("id_slug");
    if (!url || !title || !slug) return;
    var language = document.getElementById("id_language");
    // A slug already stored or typed by the editor is kept; only an empty slug follows the title.
    var auto = slug.value.trim() === "";
    var note = document.createElement("div");
    note.className = "help desk-slug-preview";
    note.setAttribute("aria-live", "polite");
    slug.parentNode.appendChild(note);
    var timer = null;
    var asked = 0;

    function ask() {
      clearTimeout(timer);
      if (!auto) return;
      timer = setTimeout(function () {
        var text = title.value.trim();
        if (!text) { slug.value = ""; note.textContent = ""; return; }
        var mine = ++asked;
        var query = "?title=" + encodeURIComponent(text) +
          (language ? "&language=" + encodeURIComponent(language.value) : "");
        fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            if (mine !== asked || !auto) return;  // a later keystroke or the editor's own slug wins
            if (data.slug) {
              slug.value = data.slug;
              note.textContent = "依標題產生的網址代稱：" + data.slug + "（可直接修改）";
            } else {
              note.textContent = data.error || "";
            }
          })
          .catch(function () {});
      }, 300);
    }

    slug.addEventListener("input", function () {
      auto = slug.value.trim() === "";
      note.textContent = auto ? "" : "將使用您輸入的網址代稱。";
      if (auto) ask();
    });
    title.addEventListener("input", ask);
    if (language) language.addEventListener("change", ask);
    if (auto && title.value.trim()) ask();
  }

  function taipeiTime() {
    var out = document.getElementById("publish-at-taipei");
    var date = document.getElementById("id_publish_at_0");
    var time = document.getElementById("id_publish_at_1");
    if (!out || !date || !time) return;
    var status = document.getElementById("id_status");

    var last = date.value + " " + time.value + " " + (status ? status.value : "");

    // The admin shows publish_at in the site's time zone (Asia/Taipei), so the inputs are Taipei time already.
    function update() {
      var now = date.value + " " + time.value + " " + (status ? status.value : "");
      if (now === last) return;  // the server's words stand until the editor changes something
      last = now;
      var d = /(\d{4})\D+(\d{1,2})\D+(\d{1,2})/.exec(date.value);
      var t = /(\d{1,2}):(\d{2})/.exec(time.value);
      if (!d) { out.textContent = "尚未設定發布時間。"; return; }
      var hh = t ? ("0" + Number(t[1])).slice(-2) : "00";
      var mm = t ? t[2] : "00";
      var words = Number(d[1]) + "年" + Number(d[2]) + "月" + Number(d[3]) + "日 " + hh + ":" + mm;
      var verb = status && status.value === "published" ? "已於 " : "將於 ";
      out.textContent = verb + words + "（台北時間）發布";
    }

    ["input", "change", "blur"].forEach(function (name) {
      date.addEventListener(name, update);
      time.addEventListener(name, update);
    });
    if (status) status.addEventListener("change", update);
    // The admin's calendar and clock shortcuts set the value without an input event.
    document.addEventListener("click", function () { setTimeout(update, 0); });
  }

  function init() {
    var bar = document.getElementById("publish-bar");
    if (bar) slugPreview(bar);
    taipeiTime();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
