// The practise view (/sequences/<slug>/practise/): one pose at a time, large, with a timer
// that moves on to the next pose by itself. Without this script the page is the whole
// list, which works just as well on paper.
//
// Keys: Space starts or pauses, → next pose, ← previous pose. Each step's hold comes from
// its data-seconds attribute; data-announce is what screen readers hear when it starts.
(function () {
  "use strict";

  const root = document.querySelector("[data-practise]");
  if (!root) return;
  const steps = Array.from(root.querySelectorAll("[data-practise-step]"));
  if (!steps.length) return;

  const panel = root.querySelector("[data-practise-panel]");
  const timer = root.querySelector("[data-practise-timer]");
  const bar = root.querySelector("[data-practise-bar]");
  const toggleButton = root.querySelector("[data-practise-toggle]");
  const previousButton = root.querySelector("[data-practise-previous]");
  const nextButton = root.querySelector("[data-practise-next]");
  const status = root.querySelector("[data-practise-status]");
  const done = root.querySelector("[data-practise-done]");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  let index = 0;
  let running = false;
  let finished = false;
  let remaining = 0; // milliseconds left in the current pose while paused
  let endsAt = 0; // when the current pose ends while running
  let ticker = null;
  let wakeLock = null;

  function holdOf(step) {
    return Math.max(1, parseInt(step.dataset.seconds, 10) || 1) * 1000;
  }

  function timeLeft() {
    return running ? Math.max(0, endsAt - Date.now()) : remaining;
  }

  function show(newIndex, scroll = true) {
    index = Math.min(Math.max(newIndex, 0), steps.length - 1);
    finished = false;
    done.hidden = true;
    steps.forEach(function (step, i) {
      step.hidden = i !== index;
      if (i === index) {
        step.setAttribute("aria-current", "step");
      } else {
        step.removeAttribute("aria-current");
      }
    });
    remaining = holdOf(steps[index]);
    endsAt = Date.now() + remaining;
    status.textContent = steps[index].dataset.announce || "";
    // A pose to avoid with the student's conditions: the timer waits for them to choose
    // (the flag above says what to do instead), rather than running them into it.
    if (running && steps[index].querySelector(".personal-flag--avoid")) {
      pause();
      remaining = holdOf(steps[index]); // not begun: its whole hold, and "Start"
      status.textContent += ". Paused: this pose is one to avoid for you. Do what the note says instead, or go on to the next pose.";
    }
    if (scroll) {
      steps[index].scrollIntoView({
        block: "nearest",
        behavior: reducedMotion.matches ? "auto" : "smooth",
      });
    }
    render();
  }

  function render() {
    const left = timeLeft();
    const seconds = Math.ceil(left / 1000);
    timer.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    // After the last pose the timer and its bar have nothing left to count.
    timer.hidden = finished;
    bar.parentElement.hidden = finished;
    const hold = holdOf(steps[index]);
    // The CSSOM, not a style attribute: the site's CSP allows no inline styles.
    bar.style.width = (finished ? 100 : 100 - (left / hold) * 100) + "%";
    if (running) {
      toggleButton.textContent = "Pause";
    } else if (finished) {
      toggleButton.textContent = "Start again";
    } else {
      toggleButton.textContent = left < hold ? "Resume" : "Start";
    }
    root.classList.toggle("is-running", running);
  }

  function tick() {
    if (timeLeft() <= 0) {
      next();
    } else {
      render();
    }
  }

  function start() {
    if (finished) show(0);
    running = true;
    endsAt = Date.now() + remaining;
    clearInterval(ticker);
    ticker = setInterval(tick, 250);
    keepScreenAwake();
    render();
  }

  function pause() {
    remaining = timeLeft();
    running = false;
    clearInterval(ticker);
    releaseScreen();
    render();
  }

  function toggle() {
    if (running) {
      pause();
    } else {
      start();
    }
  }

  function next() {
    if (finished) return;
    if (index < steps.length - 1) {
      show(index + 1);
    } else {
      finish();
    }
  }

  function previous() {
    // On the first pose, or after the end, this starts the current pose over.
    show(finished ? index : index - 1);
  }

  function finish() {
    pause();
    finished = true;
    steps.forEach(function (step) {
      step.hidden = true;
      step.removeAttribute("aria-current");
    });
    done.hidden = false;
    status.textContent = "Well done: that was the whole sequence.";
    render();
  }

  // A phone on the mat should not go dark in the middle of a hold.
  async function keepScreenAwake() {
    if (!("wakeLock" in navigator) || wakeLock) return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", function () {
        wakeLock = null;
      });
    } catch (error) {
      wakeLock = null; // refused (battery saver, hidden tab): the timer runs anyway
    }
  }

  function releaseScreen() {
    if (wakeLock) wakeLock.release();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target instanceof Element ? event.target : document.body;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === " " || event.key === "Spacebar") {
      // A focused button answers Space itself (with a click).
      if (target.closest("button, summary")) return;
      event.preventDefault();
      toggle();
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      next();
    } else if (event.key === "ArrowLeft") {
      event.preventDefault();
      previous();
    }
  });
  toggleButton.addEventListener("click", toggle);
  nextButton.addEventListener("click", next);
  previousButton.addEventListener("click", previous);

  root.classList.add("is-practising");
  panel.hidden = false;
  show(0, false);
})();
