// Traditional Chinese for the body editor's dialogs (django-prose-editor asks window.gettext when its module
// loads). A classic script, so it runs before the editor's module; words Django's own catalog knows still come
// from it.
(function () {
  "use strict";
  var words = {
    "Cancel": "取消",
    "Update": "確定",
    "Insert": "插入",
    "Title": "標題文字",
    "URL": "網址",
    "Edit Link": "編輯連結",
    "Open in new window": "在新視窗開啟",
    "Edit HTML": "編輯 HTML",
    "Prettify": "整理排版",
    "The HTML contents of the editor. Note that the allowed HTML is restricted by the editor schema.":
      "編輯器中的 HTML。只會保留編輯器支援的標記。",
    "List properties": "清單設定",
    "List type": "清單類型",
    "Start at": "起始編號",
    "Decimal numbers": "數字",
    "Lowercase letters": "小寫字母",
    "Uppercase letters": "大寫字母",
    "Lowercase Roman numerals": "小寫羅馬數字",
    "Uppercase Roman numerals": "大寫羅馬數字",
    "Toggle fullscreen": "全螢幕",
  };
  var django = window.gettext;
  window.gettext = function (text) {
    return Object.prototype.hasOwnProperty.call(words, text) ? words[text] : django ? django(text) : text;
  };
})();
