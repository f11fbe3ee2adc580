// "Select all / none" buttons for the recipient and findings checklists on the circular pages.
// Each button is marked data-ready once its handler is attached (browser tests wait on that, not on time).
for (const button of document.querySelectorAll("button[data-check]")) {
  button.addEventListener("click", () => {
    const on = button.dataset.check === "all";
    for (const box of document.querySelectorAll(".unit-picks input[type=checkbox]")) box.checked = on;
  });
  button.dataset.ready = "";
}
