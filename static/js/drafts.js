// Drafts of what people type into desktop forms, so a form sent after the sign-in expired loses nothing.
//
// Every text field (textarea, text-like input) of a POST form is saved to this tab's sessionStorage as it is
// typed, keyed by page path + form + field name; sessionStorage lasts as long as the tab and is never
// shared with other tabs or sent anywhere. When the form is shown again with the field empty, the text
// comes back. Submitting a form marks its drafts "sent"; the next page decides what that means:
//   - the sign-in page, or a page carrying an "expired" flash (.flash-expired: the server refused the post
//     because the session or its CSRF token ran out), keeps them, to be restored when the form is back;
//   - any other page means the post arrived (done, or refused with the text shown again by the server),
//     so they are cleared.
// Forms opt out with data-drafts="off"; password, hidden and file fields are never saved.

const PREFIX = "draft:";
const SENT = "drafts:sent";
const TEXT_TYPES = new Set(["text", "search", "email", "tel", "url", "number", "date", "datetime-local", "time"]);

function store() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the page works as before, without drafts
  }
}

function formKey(form) {
  if (form.id) return form.id;
  const action = form.getAttribute("action") || "";
  const kind = form.querySelector("input[type=hidden][name=action]");
  const forms = Array.from(document.querySelectorAll("form[method=post i]"));
  return `${action}|${kind ? kind.value : ""}|${forms.indexOf(form)}`;
}

function draftable(field) {
  const form = field.form;
  if (!form || (form.getAttribute("method") || "get").toLowerCase() !== "post") return false;
  if (form.dataset.drafts === "off" || form.querySelector("input[type=password]")) return false;
  if (!field.name || field.disabled || field.readOnly) return false;
  if (field instanceof HTMLTextAreaElement) return true;
  return field instanceof HTMLInputElement && TEXT_TYPES.has(field.type);
}

function keyOf(field) {
  return `${PREFIX}${location.pathname}:${formKey(field.form)}:${field.name}`;
}

function save(field) {
  const s = store();
  if (!s || !draftable(field)) return;
  try {
    if (field.value && field.value !== field.defaultValue) s.setItem(keyOf(field), field.value);
    else s.removeItem(keyOf(field));
  } catch {
    // quota exceeded: keep working without this draft
  }
}

function fieldsOf(form) {
  return Array.from(form.elements).filter(draftable);
}

function settleSent(s) {
  const sent = JSON.parse(s.getItem(SENT) || "[]");
  if (!sent.length) return;
  const refused = document.body.classList.contains("login") || document.querySelector(".flash-expired");
  if (!refused) sent.forEach((key) => s.removeItem(key));
  s.removeItem(SENT);
}

function restore(s) {
  let restored = 0;
  for (const form of document.forms) {
    for (const field of fieldsOf(form)) {
      const text = s.getItem(keyOf(field));
      if (text !== null && !field.value) {
        field.value = text;
        field.dataset.draftRestored = "";
        restored += 1;
      }
    }
  }
  if (restored) document.documentElement.dataset.draftsRestored = String(restored);
}

function init() {
  const s = store();
  if (!s) return;
  try {
    settleSent(s);
  } catch {
    s.removeItem(SENT);
  }
  restore(s);
  document.addEventListener("input", (event) => save(event.target));
  document.addEventListener("change", (event) => save(event.target));
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    const keys = [];
    for (const field of fieldsOf(form)) {
      save(field);
      if (field.value) keys.push(keyOf(field));
    }
    if (keys.length) s.setItem(SENT, JSON.stringify(keys));
  });
  document.documentElement.dataset.drafts = "ready";
}

init();
