// Keyboard work at the review desk: j/k next/previous, c confirm, r return, x reject, u list, ? help.
// Also the photo viewer (thumbnail → display copy in a dialog). Confirmations on risky forms are app.js's.

const typing = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

function queuePage(table) {
  const rows = [...table.querySelectorAll("tbody tr[data-href]")];
  let index = rows.length ? 0 : -1;
  const select = (i) => {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((row, n) => row.classList.toggle("selected", n === index));
    rows[index].focus({ preventScroll: true });
    rows[index].scrollIntoView({ block: "nearest" });
  };
  rows.forEach((row, n) => row.addEventListener("click", (event) => {
    if (event.target.closest("a, button, input, form")) return;
    select(n);
    window.location.href = row.dataset.href;
  }));
  select(0);
  return {
    j: () => select(index + 1),
    k: () => select(index - 1),
    Enter: () => index >= 0 && (window.location.href = rows[index].dataset.href),
    o: () => index >= 0 && (window.location.href = rows[index].dataset.href),
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
  const focusNote = (id) => {
    const note = document.getElementById(id);
    if (note) { note.scrollIntoView({ block: "center" }); note.focus(); }
  };
  if (location.hash === "#return") focusNote("note-return");
  if (location.hash === "#reject") focusNote("note-reject");
  return {
    j: () => go(nav.dataset.next),
    k: () => go(nav.dataset.prev),
    u: () => go(nav.dataset.up),
    c: () => {
      const form = document.getElementById("form-confirm");
      const button = form && form.querySelector("button[type=submit]");
      if (button && !button.disabled) form.requestSubmit();
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
    if (event.altKey || event.ctrlKey || event.metaKey || document.querySelector("dialog[open]")) return;
    if (event.key === "?" && help) { help.showModal(); return; }
    const action = keys[event.key];
    if (action) { event.preventDefault(); action(); }
  });
  photoViewer();
}

init();
