// Tag suggestions for the article form: existing tags from the admin's own autocomplete
// endpoint, offered through a <datalist> for the word being typed after the last comma.
(function () {
  "use strict";
  function init() {
    var input = document.getElementById("id_tags");
    if (!input) return;
    var list = document.createElement("datalist");
    list.id = "id_tags_suggestions";
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var parts = input.value.split(/[,，、]/);
        var term = parts[parts.length - 1].trim();
        if (!term) return;
        var prefix = parts.slice(0, -1).map(function (p) { return p.trim(); }).filter(Boolean).join(", ");
        var url = "/admin/autocomplete/?app_label=articles&model_name=taggedarticle&field_name=tag&term=" +
          encodeURIComponent(term);
        fetch(url, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.textContent = "";
            (data.results || []).forEach(function (item) {
              var option = document.createElement("option");
              option.value = prefix ? prefix + ", " + item.text : item.text;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
