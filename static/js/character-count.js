// A live count under every length-limited box of the pose editor. The server renders the
// limit as data-max-length instead of maxlength (studio/admin.py, shows_length_limit), so a
// long paste is kept whole instead of being cut without a word; the count warns near the
// limit and over it, and the server refuses what is over, saying by how much.
(function () {
  "use strict";

  const NEAR = 0.9; // warn from 90% of the limit
  const PAUSE = 1000; // ms after typing stops before a screen reader is told

  function format(number) {
    return number.toLocaleString("en");
  }

  // Characters as the server counts them: a line break once, an emoji once.
  function lengthOf(text) {
    return Array.from(text).length;
  }

  function describe(length, limit) {
    const count = format(length) + " of " + format(limit) + " characters";
    if (length > limit) {
      return count + ": " + format(length - limit) + " too many. Shorten it to save; " +
        "nothing has been cut.";
    }
    if (length >= limit * NEAR) return count + ": " + format(limit - length) + " left.";
    return count;
  }

  function wire(field) {
    // The empty row an inline clones for "Add another" is wired once cloned.
    if ("counted" in field.dataset || field.name.indexOf("__prefix__") !== -1) return;
    field.dataset.counted = "";
    const limit = parseInt(field.dataset.maxLength, 10);
    const shown = document.createElement("div");
    shown.className = "character-count";
    shown.id = field.id + "-count";
    // Told to screen readers politely, once typing pauses near or over the limit.
    const spoken = document.createElement("div");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    field.after(shown, spoken);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? described + " " + shown.id : shown.id);

    let timer;
    function update() {
      const length = lengthOf(field.value);
      const text = describe(length, limit);
      const state = length > limit ? "over" : length >= limit * NEAR ? "near" : "";
      shown.textContent = text;
      shown.classList.toggle("character-count--near", state === "near");
      shown.classList.toggle("character-count--over", state === "over");
      clearTimeout(timer);
      if (!state) {
        spoken.textContent = "";
        return;
      }
      timer = setTimeout(function () {
        spoken.textContent = text;
      }, PAUSE);
    }
    field.addEventListener("input", update);
    update();
  }

  function wireAll(root) {
    root.querySelectorAll("[data-max-length]").forEach(wire);
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireAll(document);
  });
  document.addEventListener("formset:added", function (event) {
    wireAll(event.target);
  });
})();
