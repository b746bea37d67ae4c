// Embeds in an article body (<figure data-embed="youtube|x|link"><a href>…</a></figure>, made by the body editor):
// nothing from a third party loads until the reader asks. A YouTube placeholder gets a button that, once clicked,
// inserts the privacy-enhanced player (youtube-nocookie.com, the only frame host the CSP allows). X posts and other
// links stay the link card they are: that is their privacy-respecting form. Without JavaScript every one is a link.
(function () {
  "use strict";
  var simplified = (document.documentElement.lang || "").toLowerCase().indexOf("hans") !== -1;
  var YOUTUBE_HOSTS = ["youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"];
  var VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;

  function videoId(href) {
    var url;
    try { url = new URL(href); } catch (e) { return null; }
    if (url.protocol !== "https:" || YOUTUBE_HOSTS.indexOf(url.hostname) === -1) return null;
    var id = url.hostname === "youtu.be" ? url.pathname.slice(1)
      : url.pathname === "/watch" ? url.searchParams.get("v")
      : (url.pathname.match(/^\/(?:embed|shorts|live)\/([^/]+)/) || [])[1];
    return id && VIDEO_ID.test(id) ? id : null;
  }

  var placeholders = document.querySelectorAll('.article-body figure[data-embed="youtube"]');
  Array.prototype.forEach.call(placeholders, function (figure) {
    var link = figure.querySelector("a[href]");
    var id = link && videoId(link.href);
    if (!id) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "embed-load";
    button.setAttribute("data-embed-load", "");
    button.textContent = simplified ? "载入 YouTube 影片" : "載入 YouTube 影片";
    var note = document.createElement("p");
    note.className = "embed-note";
    note.textContent = simplified ? "点击后才会连线到 YouTube（隐私加强模式）。"
      : "點擊後才會連線到 YouTube（隱私加強模式）。";
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.className = "embed-frame";
      frame.src = "https://www.youtube-nocookie.com/embed/" + encodeURIComponent(id) + "?autoplay=1";
      frame.title = link.textContent;
      frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      frame.setAttribute("allowfullscreen", "");
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      frame.loading = "lazy";
      button.replaceWith(frame);
      note.remove();
    });
    figure.appendChild(button);
    figure.appendChild(note);
  });
})();
