// "Dismiss" on a warning about a likely mistake, without leaving the page: the teacher's
// unsaved edits in the form below stay. Without JavaScript the button posts the same form
// and returns to the pose (poses/admin.py, dismiss_warning_view).
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    const panel = document.querySelector(".likely-mistakes");
    if (!panel) return;
    const status = panel.querySelector("[aria-live]");
    const title = panel.querySelector("h2");
    panel.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", async function (event) {
        event.preventDefault();
        const response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!response.ok) {
          form.submit(); // let the server say what went wrong
          return;
        }
        const item = form.closest("li");
        const next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        const left = panel.querySelectorAll("li").length;
        status.textContent = "Dismissed. " + (left ? left + " left to check." : "Nothing left to check.");
        if (left) {
          title.textContent = "Please check: " + left + " possible mistake" + (left === 1 ? "" : "s");
          (next.querySelector("button") || title).focus();
        } else {
          panel.querySelector("ul").remove();
          title.textContent = "Nothing left to check";
          title.focus();
        }
      });
    });
  });
})();
