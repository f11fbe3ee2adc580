// Copy a block of text (the statistics paragraph) to the clipboard, and print the page.

async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

document.querySelectorAll("[data-copy]").forEach((button) => button.addEventListener("click", async () => {
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  const label = button.textContent;
  try {
    await copy(source.textContent.trim());
    button.textContent = "已复制";
  } catch {
    button.textContent = "复制失败，请手动选择文字";
  }
  setTimeout(() => { button.textContent = label; }, 2000);
}));

document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
