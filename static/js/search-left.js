// A plain search's results: when the student leaves them without opening a pose (or
// narrowing them, or turning a page), say so (poses/views.py, search_left), so staff see
// which searches fail students. What is sent is the search, as the page signed it; nothing
// about the student.
(function () {
  "use strict";
  var results = document.querySelector("[data-search-left]");
  if (!results || !navigator.sendBeacon) {
    return;
  }
  var done = false;
  function engaged(event) {
    // A result, a filter or another page of these results, opened in any way.
    if (event.target.closest(".results a[href], .filters a[href]")) {
      done = true;
    }
  }
  ["click", "auxclick", "contextmenu"].forEach(function (type) {
    document.addEventListener(type, engaged);
  });
  window.addEventListener("pagehide", function () {
    if (done) {
      return;
    }
    done = true;
    var form = new URLSearchParams();
    form.append("q", results.getAttribute("data-search-left"));
    navigator.sendBeacon(results.getAttribute("data-search-left-url"), form);
  });
})();
