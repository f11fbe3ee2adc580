// What a liaison types on a 整改 page stays in this browser until the server has it.
//
// Each form with data-rect-draft="u<user>:item-<id>" (or report-/ext-) keeps its text fields in localStorage
// under that key as they are typed, with the value the server had shown ("base"). When the page is shown
// again (after a sign-out for inactivity and signing in, after a refused upload, after the phone dropped
// the tab), a field whose server value differs from the kept text gets the kept text back, with a note;
// a field the server now holds as typed drops its draft, so a draft is cleared once it is saved.
// A page showing an item that can no longer be edited marks data-rect-draft-clear, which removes the key.
// Before a post, chosen files are checked for type and size, so a large file never costs the typed text.

const PREFIX = "rectify-draft:";
const PHOTO_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: the page works, without drafts
  }
}

function read(s, key) {
  try {
    return JSON.parse(s.getItem(PREFIX + key) || "{}") || {};
  } catch {
    return {};
  }
}

function write(s, key, drafts) {
  try {
    if (Object.keys(drafts).length) s.setItem(PREFIX + key, JSON.stringify(drafts));
    else s.removeItem(PREFIX + key);
  } catch {
    // quota exceeded: keep working without this draft
  }
}

function textFields(form) {
  return Array.from(form.elements).filter((f) => f.name && !f.disabled
    && (f instanceof HTMLTextAreaElement || (f instanceof HTMLInputElement && ["text", "date"].includes(f.type))));
}

function noteRestored(form, fields, s, key) {
  const note = document.createElement("p");
  note.className = "rect-restored";
  note.setAttribute("role", "status");
  note.textContent = "已恢复本机浏览器中尚未保存的内容，请核对后点“保存草稿”。";
  const discard = document.createElement("button");
  discard.type = "button";
  discard.className = "small";
  discard.textContent = "放弃这些内容";
  discard.addEventListener("click", () => {
    fields.forEach((f) => { f.value = f.defaultValue; });
    write(s, key, {});
    note.remove();
  });
  note.append(" ", discard);
  form.prepend(note);
}

function settle(form, s) {
  const key = form.dataset.rectDraft;
  const drafts = read(s, key);
  const restored = [];
  // data-rect-saved="0": the page shows what was typed but the server refused to store it (a field too long,
  // a lost race): every field is kept as a draft until a page shows it saved.
  const unsaved = form.dataset.rectSaved === "0";
  const server = (field) => (unsaved ? null : field.defaultValue);
  for (const field of textFields(form)) {
    const draft = drafts[field.name];
    if (unsaved) {
      if (field.value) drafts[field.name] = { value: field.value, base: null, at: Date.now() };
      continue;
    }
    if (!draft) continue;
    if (draft.value === field.value) {
      delete drafts[field.name]; // the server holds it as typed: saved
    } else {
      field.value = draft.value;
      field.dataset.draftRestored = "";
      restored.push(field);
    }
  }
  write(s, key, drafts);
  if (restored.length) noteRestored(form, restored, s, key);
  form.addEventListener("input", (event) => {
    const field = event.target;
    if (!textFields(form).includes(field)) return;
    const now = read(s, key);
    if (field.value === server(field)) delete now[field.name];
    else now[field.name] = { value: field.value, base: server(field), at: Date.now() };
    write(s, key, now);
  });
  form.addEventListener("submit", (event) => checkFiles(form, event));
  form.dataset.rectDraftReady = "";
}

function refusal(file, input) {
  const mb = (bytes) => {
    const n = Number(bytes) / 1048576;
    return Number.isInteger(n) ? String(n) : n.toFixed(1);
  };
  const pdf = file.type === "application/pdf" || /\.pdf$/i.test(file.name);
  if (input.dataset.pdfOnly !== undefined && !pdf) return `“${file.name}”不是PDF文件，整改报告扫描件须为PDF`;
  if (!pdf && file.type && !PHOTO_TYPES.has(file.type)) return `“${file.name}”的格式不支持，仅支持 JPEG、PNG、WebP 照片或 PDF 扫描件`;
  const limit = pdf ? input.dataset.maxPdf : input.dataset.maxPhoto;
  if (limit && file.size > Number(limit)) return `“${file.name}”超过${mb(limit)}MB上限，请压缩后再上传`;
  return "";
}

function checkFiles(form, event) {
  const box = form.querySelector("[data-upload-error]");
  const problems = [];
  for (const input of form.querySelectorAll("input[type=file]")) {
    for (const file of input.files || []) {
      const why = refusal(file, input);
      if (why) problems.push(why);
    }
  }
  if (!box) return;
  box.hidden = !problems.length;
  box.textContent = problems.join("；");
  if (problems.length) {
    event.preventDefault(); // nothing is sent; the typed text stays on the page and in the draft
    box.scrollIntoView({ block: "center" });
  }
}

function init() {
  const s = storage();
  for (const marker of document.querySelectorAll("[data-rect-draft-clear]")) {
    if (s) write(s, marker.dataset.rectDraftClear, {});
  }
  for (const form of document.querySelectorAll("form[data-rect-draft]")) {
    if (s) settle(form, s);
    else form.addEventListener("submit", (event) => checkFiles(form, event));
  }
  document.documentElement.dataset.rectDrafts = "ready";
}

init();
