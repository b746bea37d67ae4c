// Focal-point picker for the image form: click the preview to set focal_x / focal_y (0–1). The dashed box shows
// the 1200 × 630 social-preview crop that point gives. On the add form the chosen file is previewed before upload.
(function () {
  "use strict";
  var SOCIAL_ASPECT = 1200 / 630;

  function clamp(value) {
    value = parseFloat(value);
    if (isNaN(value)) return 0.5;
    return Math.min(1, Math.max(0, value));
  }

  function init() {
    var picker = document.querySelector("[data-focal-picker]");
    var inputX = document.getElementById("id_focal_x");
    var inputY = document.getElementById("id_focal_y");
    if (!picker || !inputX || !inputY) return;
    var crop = document.createElement("div");
    crop.className = "focal-crop";
    var marker = document.createElement("div");
    marker.className = "focal-marker";
    var help = document.createElement("p");
    help.className = "focal-picker-help";
    help.textContent = "點一下圖片設定焦點；虛線框是社群預覽圖的裁切範圍。";

    function image() {
      return picker.querySelector("img[data-focal-preview]");
    }

    function draw() {
      var img = image();
      if (!img || !img.clientWidth) return;
      var w = img.clientWidth, h = img.clientHeight;
      var fx = clamp(inputX.value), fy = clamp(inputY.value);
      marker.style.left = fx * w + "px";
      marker.style.top = fy * h + "px";
      // The same box articles/renditions.py crops: the largest 1200:630 box, centred on the point within the edges.
      var cw = w, ch = w / SOCIAL_ASPECT;
      if (w / h > SOCIAL_ASPECT) { cw = h * SOCIAL_ASPECT; ch = h; }
      var left = Math.min(Math.max(fx * w - cw / 2, 0), w - cw);
      var top = Math.min(Math.max(fy * h - ch / 2, 0), h - ch);
      crop.style.left = left + "px";
      crop.style.top = top + "px";
      crop.style.width = cw + "px";
      crop.style.height = ch + "px";
    }

    function attach(img) {
      picker.appendChild(crop);
      picker.appendChild(marker);
      if (!help.parentNode) picker.parentNode.insertBefore(help, picker.nextSibling);
      img.addEventListener("click", function (event) {
        var rect = img.getBoundingClientRect();
        inputX.value = clamp((event.clientX - rect.left) / rect.width).toFixed(3);
        inputY.value = clamp((event.clientY - rect.top) / rect.height).toFixed(3);
        inputX.dispatchEvent(new Event("change", { bubbles: true }));
        inputY.dispatchEvent(new Event("change", { bubbles: true }));
        draw();
      });
      if (img.complete) draw(); else img.addEventListener("load", draw);
    }

    inputX.addEventListener("input", draw);
    inputY.addEventListener("input", draw);
    window.addEventListener("resize", draw);

    var existing = image();
    if (existing) {
      attach(existing);
      return;
    }
    // Add form: preview the chosen file locally (nothing is uploaded until the form is saved).
    var fileInput = document.getElementById("id_file");
    if (!fileInput || !window.URL || !URL.createObjectURL) return;
    fileInput.addEventListener("change", function () {
      var old = image();
      if (old) { URL.revokeObjectURL(old.src); old.parentNode.removeChild(old); }
      var file = fileInput.files && fileInput.files[0];
      if (!file || !/^image\//.test(file.type)) return;
      var img = document.createElement("img");
      img.alt = "";
      img.setAttribute("data-focal-preview", "");
      img.src = URL.createObjectURL(file);
      picker.insertBefore(img, picker.firstChild);
      attach(img);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
