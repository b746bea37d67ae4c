// The article form's side panel (articles/admin/articles/scripts.py): the title, summary and body in the other
// script, converted on the server as saving will convert them, and the mainland usages in the Traditional text.
// Asked ~800 ms after typing stops. The body is read from the textarea #id_body (a rich editor keeps it in sync).
(function () {
  "use strict";

  var DEBOUNCE = 800;
  var NAMES = { "zh-hant": "繁體", "zh-hans": "简体" };

  function make(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function init() {
    var config = document.getElementById("writing-aids");
    var form = document.getElementById("article_form");
    var title = document.getElementById("id_title");
    var body = document.getElementById("id_body");
    if (!config || !form || !title || !body) return;
    var url = config.getAttribute("data-scripts-url");
    var summary = document.getElementById("id_summary");
    var language = document.getElementById("id_language");
    var tokenInput = form.querySelector("[name=csrfmiddlewaretoken]");

    var panel = make("aside", "scripts-panel");
    panel.id = "scripts-panel";
    panel.setAttribute("aria-label", "另一種字體與大陸用語");
    panel.setAttribute("data-scripts-panel", "");
    var heading = make("h2", "", "另一種字體");
    var state = make("p", "scripts-panel-state", "輸入標題或內文後，這裡會顯示轉換結果。");
    state.setAttribute("aria-live", "polite");
    var outTitle = make("p", "scripts-panel-title");
    outTitle.setAttribute("data-scripts-title", "");
    var outSummary = make("p", "scripts-panel-summary");
    outSummary.setAttribute("data-scripts-summary", "");
    var outBody = make("div", "scripts-panel-body");
    outBody.setAttribute("data-scripts-body", "");
    var hitsHeading = make("h3", "", "大陸用語");
    var hits = make("ul", "scripts-panel-hits");
    hits.setAttribute("data-scripts-hits", "");
    [heading, state, outTitle, outSummary, outBody, hitsHeading, hits].forEach(function (el) { panel.appendChild(el); });
    var main = document.getElementById("content-main") || form.parentNode;
    main.appendChild(panel);
    document.body.classList.add("has-scripts-panel");

    var timer = null;
    var asked = 0;
    var lastKey = "";

    function render(data) {
      heading.textContent = (NAMES[data.language] || "另一種字體") + "版本";
      outTitle.textContent = data.title;
      outSummary.textContent = data.summary;
      outBody.innerHTML = data.body;  // sanitised on the server (articles/text/sanitize.py) before conversion
      hits.textContent = "";
      if (!data.hits.length) {
        hits.appendChild(make("li", "scripts-panel-none", "繁體內容中沒有發現大陸用語。"));
      }
      data.hits.forEach(function (hit) {
        var item = make("li");
        item.setAttribute("data-mainland-word", hit.word);
        item.appendChild(make("strong", "", hit.word));
        item.appendChild(document.createTextNode(
          " → " + hit.taiwan.join("、") + "（" + hit.count + " 處）：" + hit.reason));
        if (hit.excerpt) item.appendChild(make("div", "scripts-panel-excerpt", "…" + hit.excerpt + "…"));
        hits.appendChild(item);
      });
      state.textContent = "";
    }

    function ask() {
      var payload = { title: title.value, summary: summary ? summary.value : "", body: body.value,
        language: language ? language.value : "zh-hant" };
      var key = JSON.stringify(payload);
      if (key === lastKey) return;
      if (!payload.title.trim() && !payload.summary.trim() && !payload.body.trim()) return;
      lastKey = key;
      var mine = ++asked;
      state.textContent = "轉換中…";
      fetch(url, {
        method: "POST", credentials: "same-origin", body: key,
        headers: { "Content-Type": "application/json", Accept: "application/json",
          "X-CSRFToken": tokenInput ? tokenInput.value : "" }
      })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (result) {
          if (mine !== asked) return;  // a later keystroke's answer wins
          if (result.ok) render(result.data);
          else { state.textContent = result.data.error || "無法轉換。"; lastKey = ""; }
        })
        .catch(function () { if (mine === asked) { state.textContent = "無法連線，稍後再試。"; lastKey = ""; } });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(ask, DEBOUNCE);
    }

    // Events from a rich editor inside the form bubble here too; the textarea is read when the timer fires.
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("keyup", later);
    ask();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
