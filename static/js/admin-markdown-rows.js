// The markdownx editor wires its live preview once, when the page loads. Rows a teacher adds
// later ("Add another step") are clones without those listeners, so wire them here, using
// the same server-side preview (and so the same sanitising) as every other editor.
"use strict";

document.addEventListener("formset:added", (event) => {
  const csrfToken = document.querySelector("[name=csrfmiddlewaretoken]").value;
  event.target.querySelectorAll(".markdownx").forEach((box) => {
    const editor = box.querySelector(".markdownx-editor");
    const preview = box.querySelector(".markdownx-preview");
    let timer;
    editor.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const body = new FormData();
        body.append("content", editor.value);
        const response = await fetch(editor.dataset.markdownxUrlsPath, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": csrfToken },
          credentials: "same-origin",
        });
        if (response.ok) preview.innerHTML = await response.text();
      }, Number(editor.dataset.markdownxLatency) || 500);
    });
  });
});
