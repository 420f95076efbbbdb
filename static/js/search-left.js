// A plain search's results: when the student leaves them without opening a pose, say so
// (poses/views.py, search_left), so staff see which searches fail students. Only the
// words searched for are sent; nothing about the student.
(function () {
  "use strict";
  var results = document.querySelector("[data-search-left]");
  if (!results || !navigator.sendBeacon) {
    return;
  }
  var done = false;
  results.addEventListener("click", function (event) {
    if (event.target.closest("a[href]")) {
      done = true; // a result opened (in this tab or another)
    }
  });
  results.addEventListener("auxclick", function (event) {
    if (event.target.closest("a[href]")) {
      done = true;
    }
  });
  window.addEventListener("pagehide", function () {
    if (done) {
      return;
    }
    done = true;
    var form = new FormData();
    form.append("q", results.getAttribute("data-search-left"));
    navigator.sendBeacon(results.getAttribute("data-search-left-url"), form);
  });
})();
