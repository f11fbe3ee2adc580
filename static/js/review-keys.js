// Keyboard work at the review desk, and the photo viewer (thumbnail → display copy in a dialog).
//
// WCAG 2.1.4 (character key shortcuts): the single-character keys (j/k next/previous, o open, c confirm,
// r return, x reject, u list, ? help) work only after the reviewer turns them on with the visible switch,
// and the choice is kept per user in localStorage. Off is the default: speech input and a stray key press
// must not act for someone who never chose the shortcuts. Keys that are not characters work where focus
// is: ↑/↓/Home/End/Enter on the focused row of the queue (a grid whose rows carry aria-selected), Ctrl+Enter
// in a note, Esc. One key never decides right after a page loads: in the queue `c` confirms only a row the
// reviewer selected (no row is selected on load); on a finding page `c` moves focus to 确认 and Enter presses it.
// Confirmations on risky forms are app.js's.

const NOT_TEXT = ["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"];
const typing = (el) => el && (el.isContentEditable || ["TEXTAREA", "SELECT"].includes(el.tagName)
  || (el.tagName === "INPUT" && !NOT_TEXT.includes(el.type)));

function keysSwitch() {
  const box = document.querySelector("input[data-keys-switch]");
  if (!box) return () => false;
  const key = `review-keys:${box.dataset.user || ""}`;
  const read = () => { try { return localStorage.getItem(key) === "on"; } catch { return false; } };
  box.checked = read();
  box.closest("[hidden]")?.removeAttribute("hidden");
  box.addEventListener("change", () => {
    try { localStorage.setItem(key, box.checked ? "on" : "off"); } catch { /* private mode: this page only */ }
  });
  return () => box.checked;
}

function queuePage(table) {
  const rows = [...table.querySelectorAll("tbody tr[data-href]")];
  let index = -1;  // nothing is selected until the reviewer selects a row
  const open = () => index >= 0 && (window.location.href = rows[index].dataset.href);
  const select = (i, { focus = true } = {}) => {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((row, n) => {
      row.setAttribute("aria-selected", String(n === index));
      row.tabIndex = n === index ? 0 : -1;
    });
    if (focus) {
      rows[index].focus({ preventScroll: true });
      rows[index].scrollIntoView({ block: "nearest" });
    }
  };
  rows.forEach((row, n) => {
    row.addEventListener("click", (event) => {
      if (event.target.closest("a, button, input, form")) return;
      select(n);
      window.location.href = row.dataset.href;
    });
    row.addEventListener("focusin", () => n !== index && select(n, { focus: false }));
    row.addEventListener("keydown", (event) => {  // not character keys, and only on the focused row
      if (event.target !== row || event.altKey || event.ctrlKey || event.metaKey) return;
      const moves = { ArrowDown: n + 1, ArrowUp: n - 1, Home: 0, End: rows.length - 1 };
      if (event.key in moves) { event.preventDefault(); select(moves[event.key]); }
      if (event.key === "Enter") { event.preventDefault(); open(); }
    });
  });
  return {
    j: () => select(index < 0 ? 0 : index + 1),
    k: () => select(index < 0 ? 0 : index - 1),
    o: open,
    c: () => {
      const id = index >= 0 && rows[index].dataset.confirmForm;
      if (id) document.getElementById(id).requestSubmit();
    },
    r: () => index >= 0 && (window.location.href = rows[index].dataset.href + "#return"),
    x: () => index >= 0 && (window.location.href = rows[index].dataset.href + "#reject"),
  };
}

function findingPage(nav) {
  const go = (url) => url && (window.location.href = url);
  const focusOn = (el) => {
    if (el) { el.scrollIntoView({ block: "center" }); el.focus(); }
  };
  const focusNote = (id) => focusOn(document.getElementById(id));
  if (location.hash === "#return") focusNote("note-return");
  if (location.hash === "#reject") focusNote("note-reject");
  return {
    j: () => go(nav.dataset.next),
    k: () => go(nav.dataset.prev),
    u: () => go(nav.dataset.up),
    c: () => {
      const button = document.querySelector("#form-confirm button[type=submit]");
      if (button && !button.disabled) focusOn(button);  // Enter (or Space) then presses it
    },
    r: () => focusNote("note-return"),
    x: () => focusNote("note-reject"),
  };
}

function photoViewer() {
  const dialog = document.getElementById("photo-viewer");
  const links = [...document.querySelectorAll("[data-viewer] a[data-display]")];
  if (!dialog || !links.length) return;
  const image = dialog.querySelector("img");
  const caption = dialog.querySelector(".caption");
  let current = 0;
  const show = (n) => {
    current = (n + links.length) % links.length;
    const thumb = links[current].querySelector("img");
    image.src = links[current].href;
    image.alt = thumb ? thumb.alt : "";
    caption.textContent = `${image.alt}（${current + 1}/${links.length}，左右方向键切换）`;
    if (!dialog.open) dialog.showModal();
  };
  links.forEach((link, n) => link.addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey) return;  // let "open in new tab" work
    event.preventDefault();
    show(n);
  }));
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "ArrowRight") show(current + 1);
    if (event.key === "ArrowLeft") show(current - 1);
  });
}

function init() {
  const table = document.querySelector("[data-keys=queue]");
  const nav = document.querySelector("[data-keys=finding]");
  const keys = table ? queuePage(table) : nav ? findingPage(nav) : {};
  const enabled = keysSwitch();
  const help = document.getElementById("keys-help");
  document.querySelectorAll("[data-help]").forEach((b) => b.addEventListener("click", () => help && help.showModal()));
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (typing(target)) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.form) {
        event.preventDefault();
        target.form.requestSubmit();
      } else if (event.key === "Escape") {
        target.blur();
      }
      return;
    }
    if (!enabled() || event.altKey || event.ctrlKey || event.metaKey || document.querySelector("dialog[open]")) return;
    if (event.key === "?" && help) { help.showModal(); return; }
    const action = Object.hasOwn(keys, event.key) && keys[event.key];
    if (action) { event.preventDefault(); action(); }
  });
  photoViewer();
  (table || nav)?.setAttribute("data-ready", "");  // tests wait on this: every handler is attached
}

init();
