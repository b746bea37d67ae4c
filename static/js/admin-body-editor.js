// The article body editor: django-prose-editor's Tiptap build with two nodes of our own, a figure from the image
// library (inserted through a picker that searches alt text, caption and credit) and a click-to-load embed
// placeholder (YouTube, X or any link; static/js/embeds.js turns it into a button on the reader's page).
// A module from our own origin that imports the editor by its path: no import map, no inline script
// (the site's CSP is script-src 'self'). The markup both nodes write is a fixed point of
// articles/text/sanitize.py, so what is saved is what the editor showed.
// The textarea is only rewritten when the editor changes something: a body opened and saved untouched is stored
// byte for byte as it was.
import * as E from "../django_prose_editor/editor.js"

const LINK_REL = "noopener noreferrer nofollow"
const CREDIT_LABEL = { "zh-hant": "圖片來源：", "zh-hans": "图片来源：" }
const EMBED_HOSTS = {
  youtube: ["youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"],
  x: ["x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"],
}

function articleLanguage() {
  const select = document.getElementById("id_language")
  return select && select.value === "zh-hans" ? "zh-hans" : "zh-hant"
}

function captionOf(figure) {
  const caption = figure.querySelector("figcaption")
  if (!caption) return ""
  let text = ""
  for (const node of caption.childNodes) {
    if (node.nodeName !== "SMALL") text += node.textContent
  }
  return text
}

// A picture from the library: <figure data-image="ID"><img src alt><figcaption>caption<small>圖片來源：credit
// </small></figcaption></figure>. An atom: its words come from the library, so the editor never half-edits them.
// Figures from imports (no data-image) open as the same node, so editing around them keeps their picture.
const LibraryFigure = E.Node.create({
  name: "libraryFigure",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      image: { default: null, parseHTML: (el) => el.getAttribute("data-image") },
      src: { default: "", parseHTML: (el) => el.querySelector("img")?.getAttribute("src") || "" },
      alt: { default: "", parseHTML: (el) => el.querySelector("img")?.getAttribute("alt") || "" },
      caption: { default: "", parseHTML: captionOf },
      credit: { default: "", parseHTML: (el) => el.querySelector("figcaption small")?.textContent || "" },
    }
  },

  parseHTML() {
    return [
      { tag: "figure[data-image]" },
      { tag: "figure", getAttrs: (el) => (el.querySelector("img") && !el.hasAttribute("data-embed") ? null : false) },
    ]
  },

  renderHTML({ node }) {
    const { image, src, alt, caption, credit } = node.attrs
    const words = []
    if (caption) words.push(caption)
    if (credit) words.push(["small", {}, credit])
    const figure = ["figure", image ? { "data-image": image } : {}, ["img", { src, alt }]]
    if (words.length) figure.push(["figcaption", {}, ...words])
    return figure
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "libraryFigure",
      groups: "nodes",
      command: (editor) => openFigurePicker(editor),
      button: buttons.material("image", "插入圖庫圖片"),
    })
  },
})

function embedKind(href) {
  let url
  try {
    url = new URL(href)
  } catch {
    return null
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null
  for (const [kind, hosts] of Object.entries(EMBED_HOSTS)) {
    if (hosts.includes(url.hostname)) return kind
  }
  return "link"
}

// <figure data-embed="youtube|x|link"><a href rel>text</a></figure>: a plain link until a reader asks for more.
const Embed = E.Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      kind: { default: "link", parseHTML: (el) => el.getAttribute("data-embed") },
      href: { default: "", parseHTML: (el) => el.querySelector("a")?.getAttribute("href") || "" },
      text: { default: "", parseHTML: (el) => el.textContent.trim() },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-embed]", priority: 60 }]
  },

  renderHTML({ node }) {
    const { kind, href, text } = node.attrs
    return ["figure", { "data-embed": kind }, ["a", { href, rel: LINK_REL }, text || href]]
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      command: (editor) => askEmbed(editor),
      button: buttons.material("smart_display", "插入影片或貼文（讀者點擊後才載入）"),
    })
  },
})

async function askEmbed(editor) {
  const attrs = await E.updateAttrsDialog(
    {
      href: { type: "string", title: "網址（YouTube、X 或其他網頁）", required: true },
      text: { type: "string", title: "連結文字（讀者未載入時看到的說明）" },
    },
    { title: "插入影片或貼文", submitText: "插入" },
  )(editor, { href: "", text: "" })
  if (!attrs) return
  const href = attrs.href.trim()
  const kind = embedKind(href)
  if (!kind) {
    window.alert("請輸入以 https:// 開頭的網址。")
    return
  }
  editor.chain().focus().insertContent({ type: "embed", attrs: { kind, href, text: attrs.text.trim() } }).run()
}

// The picker: a dialog listing the library's newest pictures (or those matching the search) as thumbnails.
let pickerUrl = ""

function figureAttrs(result) {
  const language = articleLanguage()
  const words = result[language] || result
  return {
    image: String(result.id),
    src: result.src,
    alt: words.alt || "",
    caption: words.caption || "",
    credit: words.credit ? CREDIT_LABEL[language] + words.credit : "",
  }
}

// One picker for both uses: a figure in the body, and the article's featured picture.
function openPicker({ mount, heading, hint, onPick }) {
  const search = E.crel("input", { type: "search", placeholder: "搜尋替代文字、圖說或圖片來源", className: "vTextField" })
  const status = E.crel("p", { className: "figure-picker__status", textContent: "載入中…" })
  const list = E.crel("div", { className: "figure-picker__results" })
  const close = E.crel("button", { type: "button", className: "button", textContent: "關閉" })
  const dialog = E.crel("dialog", { className: "figure-picker" }, [
    E.crel("h3", { textContent: heading }),
    search,
    status,
    list,
    E.crel("div", { className: "figure-picker__buttons" }, [close]),
  ])
  dialog.setAttribute("data-figure-picker", "")
  let timer = null
  let asked = 0

  function show(results) {
    list.textContent = ""
    status.textContent = results.length ? hint : "找不到符合的圖片。"
    for (const result of results) {
      const thumb = E.crel("img", { src: result.thumbnail, alt: "", loading: "lazy" })
      const label = E.crel("span", { className: "figure-picker__label", textContent: result.alt })
      const credit = E.crel("span", {
        className: "figure-picker__credit",
        textContent: (result.credit ? `圖片來源：${result.credit}` : "（未填圖片來源）") + (result.ai_generated ? "・AI 生成" : ""),
      })
      const button = E.crel("button", { type: "button", className: "figure-picker__item" }, [thumb, label, credit])
      button.setAttribute("data-image-id", String(result.id))
      button.addEventListener("click", () => {
        onPick(result)
        dialog.close()
      })
      list.append(button)
    }
  }

  function load() {
    const mine = ++asked
    const url = `${pickerUrl}?q=${encodeURIComponent(search.value.trim())}`
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        if (mine === asked) show(data.results)
      })
      .catch(() => {
        if (mine === asked) status.textContent = "無法載入圖庫，請稍後再試。"
      })
  }

  search.addEventListener("input", () => {
    clearTimeout(timer)
    timer = setTimeout(load, 250)
  })
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault() // never submits the article form
  })
  close.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => dialog.remove())
  mount.append(dialog)
  dialog.showModal()
  search.focus()
  load()
}

function openFigurePicker(editor) {
  openPicker({
    mount: editor.view.dom.parentElement,
    heading: "插入圖庫圖片",
    hint: "點一下圖片即可插入。",
    onPick: (result) => editor.chain().focus().insertContent({ type: "libraryFigure", attrs: figureAttrs(result) }).run(),
  })
}

// The featured picture: the admin's autocomplete (alt texts) stays for typing; beside it a thumbnail of the
// current choice and a button that opens the same picker with thumbnails, credits and the AI flag.
function featuredPicturePicker(select) {
  const preview = E.crel("img", { className: "featured-picker__preview", alt: "" })
  preview.setAttribute("data-featured-preview", "")
  const button = E.crel("button", { type: "button", className: "button featured-picker__open", textContent: "從圖庫挑選…" })
  button.setAttribute("data-featured-picker", "")
  const box = E.crel("div", { className: "featured-picker" }, [preview, button])

  function showPreview(id) {
    preview.hidden = true
    if (!id) return
    fetch(`${pickerUrl}?id=${encodeURIComponent(id)}`, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        const found = data.results[0]
        if (found && String(found.id) === String(select.value)) {
          preview.src = found.thumbnail
          preview.alt = found.alt
          preview.hidden = false
        }
      })
      .catch(() => {})
  }

  button.addEventListener("click", () => openPicker({
    mount: box,
    heading: "挑選主圖",
    hint: "點一下圖片即可設為主圖。",
    onPick: (result) => {
      let option = [...select.options].find((o) => o.value === String(result.id))
      if (!option) {
        option = new Option(result.alt, String(result.id), true, true)
        select.append(option)
      }
      select.value = String(result.id)
      // The admin's autocomplete is select2 on django.jQuery: it redraws on a jQuery change event.
      if (window.django && window.django.jQuery) window.django.jQuery(select).trigger("change")
      else select.dispatchEvent(new Event("change", { bubbles: true }))
    },
  }))
  select.addEventListener("change", () => showPreview(select.value))
  if (window.django && window.django.jQuery) window.django.jQuery(select).on("change", () => showPreview(select.value))
  select.closest(".related-widget-wrapper, div")?.after(box)
  showPreview(select.value)
}

function extensions() {
  return [
    E.Document,
    E.Paragraph,
    E.Text,
    E.HardBreak,
    E.Heading.configure({ levels: [2, 3, 4, 5, 6] }),
    E.Bold,
    E.Italic,
    E.Underline,
    E.Strike,
    E.Subscript,
    E.Superscript,
    E.Code,
    E.CodeBlock.configure({ languageClassPrefix: "language-" }),
    E.BulletList,
    E.OrderedList,
    E.ListItem,
    E.Blockquote,
    E.HorizontalRule,
    E.Link.configure({ enableTarget: false, protocols: ["http", "https", "mailto"] }),
    LibraryFigure,
    Embed,
    E.History,
    E.Dropcursor,
    E.Gapcursor,
    E.HTML,
    E.Menu,
  ]
}

// The tags the editor can write back; anything else in a stored body (a table, <abbr>, <time>, <span> from an
// import) survives only as long as the editor does not rewrite the body.
const KEPT_TAGS = new Set([
  "P", "BR", "H2", "H3", "H4", "H5", "H6", "STRONG", "B", "EM", "I", "U", "S", "SUB", "SUP", "CODE", "PRE", "UL", "OL",
  "LI", "BLOCKQUOTE", "HR", "A", "FIGURE", "IMG", "FIGCAPTION", "SMALL",
])
const MENU_WORDS = {
  Paragraph: "內文段落", paragraph: "內文段落", bold: "粗體", italic: "斜體", underline: "底線", strike: "刪除線",
  subscript: "下標", superscript: "上標", Code: "程式碼", "Code block": "程式碼區塊", blockquote: "引文",
  "horizontal rule": "分隔線", "insert link": "插入連結", "remove link": "移除連結", "unordered list": "項目清單",
  "ordered list": "編號清單", undo: "復原", redo: "重做", "edit HTML": "編輯 HTML",
}

function unkeptTags(html) {
  const template = document.createElement("template")
  template.innerHTML = html
  const found = new Set()
  for (const element of template.content.querySelectorAll("*")) {
    if (!KEPT_TAGS.has(element.tagName)) found.add(element.tagName.toLowerCase())
  }
  return [...found]
}

function localiseMenu(root) {
  for (const element of root.querySelectorAll("[title], .prose-menubar__option > *")) {
    const title = element.getAttribute("title")
    if (title && MENU_WORDS[title]) element.setAttribute("title", MENU_WORDS[title])
    else if (title && /^heading \d$/.test(title)) element.setAttribute("title", `標題 ${title.slice(-1)}`)
    const heading = /^Heading (\d)$/.exec(element.textContent)
    if (heading) element.textContent = `標題 ${heading[1]}`
    else if (MENU_WORDS[element.textContent] && !element.children.length) element.textContent = MENU_WORDS[element.textContent]
  }
}

// A body with markup the editor would drop: say so, and offer the HTML itself instead of the editor.
function warnAboutUnkeptMarkup(editor, textarea, tags) {
  const button = E.crel("button", { type: "button", className: "button", textContent: "改用 HTML 原始碼編輯" })
  const notice = E.crel("p", { className: "body-editor-notice help" }, [
    `這篇內文含有編輯器無法保留的標記（${tags.join("、")}）。不修改內文直接儲存會原樣保留；`
      + "在編輯器裡修改後，這些標記會被移除（文字會保留）。要保留它們，請改用 HTML 原始碼編輯。",
    button,
  ])
  notice.setAttribute("data-body-editor-notice", "")
  button.addEventListener("click", () => {
    editor.destroy() // puts the textarea back, holding exactly what the editor last wrote (or the stored body)
    textarea.classList.add("body-editor-source")
    notice.remove()
  })
  editor.view.dom.closest(".prose-editor").before(notice)
}

for (const textarea of document.querySelectorAll("textarea[data-body-editor]")) {
  pickerUrl = textarea.getAttribute("data-image-picker") || ""
  const unkept = unkeptTags(textarea.value)
  const editor = E.createTextareaEditor(textarea, extensions())
  localiseMenu(editor.view.dom.closest(".prose-editor"))
  if (unkept.length) warnAboutUnkeptMarkup(editor, textarea, unkept)
  // Another script set the body and said so with a change event (the autosave's restore): show what it set. The
  // editor's own writes fire only input events, so this never echoes them.
  textarea.addEventListener("change", () => {
    if (!editor.isDestroyed && textarea.value !== editor.getHTML()) {
      const restored = textarea.value
      editor.commands.setContent(restored, { emitUpdate: false })
      textarea.value = restored // exactly what was restored, until the next edit rewrites it
    }
  })
  textarea.dispatchEvent(new CustomEvent("prose-editor:ready", { detail: { editor, textarea }, bubbles: true }))
}
const featured = document.getElementById("id_featured_image")
if (featured && pickerUrl) featuredPicturePicker(featured)
