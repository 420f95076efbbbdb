// Ordered rows (a pose's steps, benefits, precautions and links; a sequence's poses) that
// explain themselves. adminsortable2 lets a saved row be dragged by its header, and puts two
// unlabelled triangles in it that jump to the first or the last place. Instead, each saved
// row gets, inside the header the library drags by:
// - its number (1, 2, 3 …, as the rows now stand);
// - a ☰ handle to drag it by, which also moves it one place with ↑ / ↓ when focused;
// - ▲ ▼ buttons that move it one place up or down.
// Every move renumbers the hidden order fields as the rows stand (the save keeps that
// order) and is announced to screen readers. This runs before the library's own start (on
// window load), which then finds no triangles to wire.
"use strict";

const ROW = "tr.has_original, .inline-related.has_original";

let announcer;

function announce(message) {
  if (!announcer) {
    announcer = document.createElement("div");
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    announcer.id = "order-announcer";
    document.body.append(announcer);
  }
  // A new text node each time, so that the same message twice is read twice.
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

function rowsOf(group) {
  return [...group.querySelectorAll(ROW)];
}

// "Step", "Benefit", "Preparatory pose" … as Django's "Add another Step" names it.
function nounOf(group) {
  const formset = group.closest(".js-inline-admin-formset");
  try {
    const text = JSON.parse(formset.dataset.inlineFormset).options.addText;
    return text.replace(/^Add another /, "");
  } catch {
    return "Row";
  }
}

// The numbers shown, and with `orderFields` the hidden order fields the save reads.
function renumber(group, orderFields = false) {
  rowsOf(group).forEach((row, index) => {
    const order = row.querySelector("input._reorder_");
    const number = row.querySelector(".row-number");
    if (orderFields && order) order.value = index + 1;
    // Only when it changed: the observer below would otherwise be woken again and again.
    if (number && number.textContent !== String(index + 1)) number.textContent = index + 1;
  });
}

// A tabular row with errors has them in a row of their own just above it: they move together.
function withErrors(row) {
  const before = row.previousElementSibling;
  return before && before.classList.contains("row-form-errors") ? [before, row] : [row];
}

function move(row, by, focus) {
  const group = row.closest("fieldset.sortable");
  const rows = rowsOf(group);
  const to = rows.indexOf(row) + by;
  const name = `${nounOf(group)} “${row.dataset.label}”`;
  if (to < 0 || to >= rows.length) {
    announce(`${name} is already ${by < 0 ? "first" : "last"}.`);
    return;
  }
  if (by < 0) withErrors(rows[to])[0].before(...withErrors(row));
  else rows[to].after(...withErrors(row));
  renumber(group, true);
  focus.focus();
  announce(`${name} moved to position ${to + 1} of ${rows.length}.`);
}

function button(className, text, label) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.textContent = text;
  element.title = label;
  element.setAttribute("aria-label", label);
  return element;
}

function equip(row) {
  // The header adminsortable2 drags by: a stacked row's title bar, a tabular row's first cell.
  const header = row.querySelector(":scope > h3") || row.querySelector("td.original p");
  const label = row.querySelector(".inline_label") || header;
  const sort = header.querySelector(".sort");
  if (!sort || !row.querySelector("input._reorder_")) return; // rows the user may only view
  row.dataset.label = [...label.childNodes]
    .filter((node) => node.nodeType === Node.TEXT_NODE)
    .map((node) => node.textContent)
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  sort.replaceChildren(
    button("move-up", "▲", "Move up one place"),
    button("move-down", "▼", "Move down one place"),
  );
  const handle = button("drag-handle", "☰", "Drag to reorder");
  handle.setAttribute("aria-keyshortcuts", "ArrowUp ArrowDown");
  handle.setAttribute("aria-describedby", "order-help");
  const number = document.createElement("span");
  number.className = "row-number";
  // "Step 2: Bend your right knee" in a title bar; "2" before a tabular row's name.
  const noun = header.querySelector(":scope > b");
  if (noun) {
    noun.textContent = noun.textContent.replace(/:$/, " ");
    noun.append(number, ":");
    header.prepend(handle);
  } else {
    header.prepend(handle, number);
  }

  sort.querySelector(".move-up").addEventListener("click", (event) => {
    move(row, -1, event.currentTarget);
  });
  sort.querySelector(".move-down").addEventListener("click", (event) => {
    move(row, 1, event.currentTarget);
  });
  handle.addEventListener("keydown", (event) => {
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      move(row, event.key === "ArrowUp" ? -1 : 1, handle);
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const groups = document.querySelectorAll("fieldset.sortable");
  if (!groups.length) return;
  const help = document.createElement("p");
  help.id = "order-help";
  help.className = "visually-hidden";
  help.textContent = "Press the up or down arrow key to move it one place.";
  document.body.append(help);
  for (const group of groups) {
    const rows = rowsOf(group);
    if (!rows.length) continue;
    rows.forEach(equip);
    renumber(group);
    // A row dropped after a drag: adminsortable2 renumbers the order fields, we the numbers.
    new MutationObserver(() => renumber(group)).observe(rows[0].parentElement, {
      childList: true,
    });
  }
});
