// "Select all / none" buttons for the recipient and findings checklists on the circular pages.
for (const button of document.querySelectorAll("button[data-check]")) {
  button.addEventListener("click", () => {
    const on = button.dataset.check === "all";
    for (const box of document.querySelectorAll(".unit-picks input[type=checkbox]")) box.checked = on;
  });
}
