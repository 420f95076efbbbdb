// Two gaps in the markdownx editor, filled for teachers:
// 1. It wires its live preview once, when the page loads. Rows added later ("Add another
//    step") are clones without those listeners, so wire them here, using the same
//    server-side preview (and so the same sanitising) as every other editor.
// 2. When an image upload is refused it types "Invalid response" into the text. Put the
//    text back as it was and show the server's reason under the editor instead.
"use strict";

function csrfToken() {
  return document.querySelector("[name=csrfmiddlewaretoken]").value;
}

function wirePreview(box) {
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
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      preview.innerHTML = await response.text();
    }, Number(editor.dataset.markdownxLatency) || 500);
  });
}

function explainRefusedUploads(box) {
  const editor = box.querySelector(".markdownx-editor");
  box.addEventListener("markdownx.fileUploadError", (event) => {
    const textBefore = editor.value;
    const [response] = event.detail || [];
    setTimeout(() => {
      editor.value = textBefore;
    });
    let note = box.querySelector(".upload-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "errornote upload-error";
      note.setAttribute("role", "alert");
      editor.after(note);
    }
    note.textContent = (response && response.error) || "The image could not be uploaded.";
  });
  box.addEventListener("markdownx.fileUploadEnd", () => {
    box.querySelector(".upload-error")?.remove();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".markdownx").forEach(explainRefusedUploads);
});

document.addEventListener("formset:added", (event) => {
  event.target.querySelectorAll(".markdownx").forEach((box) => {
    wirePreview(box);
    explainRefusedUploads(box);
  });
});
