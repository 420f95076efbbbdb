// The admin's "Please correct the errors below." says where: a link to each error, named by
// its section, row and field, and the page scrolled to the first. Errors themselves are
// shown at their row and field (studio/admin.py, ShowsEveryError).
(function () {
  "use strict";

  function textOf(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // "Follow-up poses, row 2, Reason" from where the error list sits.
  function describe(list) {
    const parts = [];
    const group = list.closest(".inline-group");
    if (group) {
      parts.push(textOf(group.querySelector("h2")).split(" — ")[0]);
      const errorRow = list.closest("tr.row-form-errors");
      const row = errorRow ? errorRow.nextElementSibling : list.closest(".inline-related, tr.form-row");
      const match = row && row.id ? row.id.match(/-(\d+)$/) : null;
      if (match) parts.push("row " + (parseInt(match[1], 10) + 1));
    }
    const cell = list.closest("td[class^='field-'], td[class*=' field-']");
    if (cell && group) {
      const name = Array.from(cell.classList).find(function (c) { return c.indexOf("field-") === 0; });
      const header = group.querySelector("th.column-" + name.slice(6));
      if (header) parts.push(textOf(header));
    } else {
      const field = list.closest(".form-row, .fieldBox");
      const label = field ? field.querySelector("label") : null;
      if (label) parts.push(textOf(label).replace(/:$/, ""));
    }
    return parts.filter(Boolean).join(", ") || "This page";
  }

  document.addEventListener("DOMContentLoaded", function () {
    const note = document.querySelector(".errornote");
    if (!note) return;
    const lists = Array.from(document.querySelectorAll("ul.errorlist")).filter(function (list) {
      return !note.contains(list) && textOf(list);
    });
    if (!lists.length) return;
    const links = document.createElement("ul");
    links.className = "error-links";
    lists.forEach(function (list, index) {
      if (!list.id) list.id = "error-" + (index + 1);
      const link = document.createElement("a");
      link.href = "#" + list.id;
      link.textContent = describe(list) + ": " + textOf(list);
      link.addEventListener("click", function (event) {
        // Into the middle of the window, and into the field itself, ready to correct.
        event.preventDefault();
        list.scrollIntoView({ block: "center", behavior: "instant" });
        const place = list.closest(".form-row, td, .fieldBox, .inline-related");
        const field = place && place.querySelector("input:not([type=hidden]), textarea, select");
        if (field) field.focus({ preventScroll: true });
      });
      const item = document.createElement("li");
      item.appendChild(link);
      links.appendChild(item);
    });
    note.appendChild(links);
    // The editors' live previews arrive after the page, one request each, and push it about:
    // keep the first error in view while they settle, until the teacher moves.
    let settled = false;
    function showFirst() {
      if (settled) return;
      const box = lists[0].getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) {
        lists[0].scrollIntoView({ block: "center", behavior: "instant" });
      }
    }
    ["wheel", "keydown", "touchstart", "mousedown"].forEach(function (type) {
      window.addEventListener(type, function () { settled = true; }, { once: true, passive: true });
    });
    showFirst();
    const watch = setInterval(showFirst, 200);
    setTimeout(function () {
      settled = true;
      clearInterval(watch);
    }, 10000);
  });
})();
