// Checklist item editor: move rows up and down, add rows. Without JavaScript the 序号 inputs,
// the 删除 boxes and the blank rows do the same job.
const form = document.getElementById("checklist-editor");

if (form) {
  const tbody = form.querySelector("tbody");
  form.querySelectorAll(".js-only").forEach((el) => { el.hidden = false; });

  const renumber = () => {
    tbody.querySelectorAll("[data-row]").forEach((row, index) => {
      row.querySelector("[data-position]").value = index + 1;
    });
  };

  tbody.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const row = button.closest("[data-row]");
    if (button.hasAttribute("data-up") && row.previousElementSibling) {
      row.parentNode.insertBefore(row, row.previousElementSibling);
    } else if (button.hasAttribute("data-down") && row.nextElementSibling) {
      row.parentNode.insertBefore(row.nextElementSibling, row);
    }
    renumber();
    button.focus();
  });

  form.querySelector("[data-add]").addEventListener("click", () => {
    const rows = tbody.querySelectorAll("[data-row]");
    const last = rows[rows.length - 1];
    const next = Math.max(...[...rows].map((r) => Number(r.querySelector("[data-position]").name.split("-")[1]))) + 1;
    const copy = last.cloneNode(true);
    copy.classList.remove("row-error");
    copy.querySelectorAll(".field-error").forEach((el) => el.remove());
    copy.querySelectorAll("input, textarea").forEach((el) => {
      el.name = el.name.replace(/^items-\d+-/, `items-${next}-`);
      if (el.type === "checkbox") el.checked = false;
      else if (!el.hasAttribute("data-position")) el.value = "";
    });
    tbody.appendChild(copy);
    renumber();
    copy.querySelector("input[type=text]").focus();
  });
}
