/* The figure editor: turns each <textarea data-figure-editor> (the figure as JSON) into a
   canvas whose joints can be dragged with a pointer or moved with the arrow keys. The
   textarea stays the saved value, so the form works without this script, and the server
   validates whatever is sent. No build step: plain JavaScript, as the admin loads it. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var SIDES = ["left", "right"];
  var ARM = ["shoulder", "elbow", "wrist", "hand"];
  var LEG = ["hip", "knee", "ankle", "toe"];
  var HEAD_RADIUS = 8;
  var STROKES = { torso: 12, arm: 5.5, leg: 7, neck: 6 };
  // A figure to begin with when the field is empty: standing, seen from the right.
  var STANDING = {
    description: "", near: "right", floor: 142, props: [],
    joints: {
      head: [100, 30], neck: [100, 40], chest: [100, 56],
      left_shoulder: [100, 44], left_elbow: [99, 64], left_wrist: [100, 80], left_hand: [100, 86],
      left_hip: [100, 76], left_knee: [100, 105], left_ankle: [100, 132], left_toe: [110, 132],
      right_shoulder: [100, 44], right_elbow: [101, 64], right_wrist: [102, 80], right_hand: [102, 86],
      right_hip: [100, 76], right_knee: [100, 105], right_ankle: [100, 132], right_toe: [110, 132]
    }
  };
  var figuresRequest = null;

  function element(name, attributes, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function html(name, attributes, text) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text) node.textContent = text;
    return node;
  }

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  function parse(text) {
    try {
      var value = JSON.parse(text);
      return value && typeof value === "object" && value.joints ? value : null;
    } catch (error) {
      return null;
    }
  }

  function mirrored(figure, width) {
    var swap = { left: "right", right: "left" };
    var result = copy(figure);
    result.near = swap[figure.near || "right"];
    result.joints = {};
    Object.keys(figure.joints).forEach(function (name) {
      var parts = name.split("_");
      var point = figure.joints[name];
      var swapped = parts.length === 2 ? swap[parts[0]] + "_" + parts[1] : name;
      result.joints[swapped] = [width - point[0], point[1]];
    });
    (result.props || []).forEach(function (prop) {
      if (prop.kind === "strap") {
        prop.points = prop.points.map(function (p) { return [width - p[0], p[1]]; });
      } else if (prop.kind === "wall") {
        prop.x = width - prop.x;
      } else {
        prop.x = width - prop.x - prop.width;
      }
    });
    return result;
  }

  function path(points) {
    return "M" + points.map(function (p) { return p[0] + " " + p[1]; }).join("L");
  }

  // The same shapes as poses/figures.py draws on the site, back to front.
  function draw(layer, figure, size) {
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    var j = figure.joints;
    var near = figure.near === "left" ? "left" : "right";
    var far = near === "left" ? "right" : "left";
    var pelvis = [(j.left_hip[0] + j.right_hip[0]) / 2, (j.left_hip[1] + j.right_hip[1]) / 2];
    function limb(side, parts) {
      return [parts === ARM ? j.neck : pelvis].concat(parts.map(function (part) { return j[side + "_" + part]; }));
    }
    var props = figure.props || [];
    props.forEach(function (prop) {
      if (prop.kind === "wall") {
        element("line", { x1: prop.x, y1: 0, x2: prop.x, y2: figure.floor || size[1], "stroke-width": 3, opacity: 0.35 }, layer);
      }
    });
    if (figure.floor !== null && figure.floor !== undefined) {
      element("line", { x1: 3, y1: figure.floor, x2: size[0] - 3, y2: figure.floor, "stroke-width": 2, opacity: 0.35 }, layer);
    }
    props.forEach(function (prop) {
      if (prop.kind === "block" || prop.kind === "blanket" || prop.kind === "bolster") {
        element("rect", { x: prop.x, y: prop.y, width: prop.width, height: prop.height, rx: 2, fill: "currentColor", "fill-opacity": 0.15, "stroke-width": 1.5, opacity: 0.7 }, layer);
      }
    });
    element("path", { d: path(limb(far, LEG)), "stroke-width": STROKES.leg, opacity: 0.4 }, layer);
    element("path", { d: path(limb(far, ARM)), "stroke-width": STROKES.arm, opacity: 0.4 }, layer);
    var control = [2 * j.chest[0] - (pelvis[0] + j.neck[0]) / 2, 2 * j.chest[1] - (pelvis[1] + j.neck[1]) / 2];
    element("path", { d: "M" + pelvis.join(" ") + "Q" + control.join(" ") + " " + j.neck.join(" "), "stroke-width": STROKES.torso }, layer);
    element("path", { d: path([j.neck, j.head]), "stroke-width": STROKES.neck }, layer);
    element("path", { d: path(limb(near, LEG)), "stroke-width": STROKES.leg }, layer);
    element("path", { d: path(limb(near, ARM)), "stroke-width": STROKES.arm }, layer);
    element("circle", { cx: j.head[0], cy: j.head[1], r: HEAD_RADIUS, fill: "currentColor" }, layer);
    props.forEach(function (prop) {
      if (prop.kind === "strap") {
        element("path", { d: path(prop.points), "stroke-width": 1.5, "stroke-dasharray": "3 2" }, layer);
      }
    });
  }

  function setup(textarea) {
    if (textarea.dataset.figureReady || textarea.name.indexOf("__prefix__") !== -1) return;
    textarea.dataset.figureReady = "1";
    var size = (textarea.dataset.frame || "200 150").split(" ").map(Number);
    var figure = parse(textarea.value);
    var selected = null;

    var editor = html("div", { class: "figure-editor" });
    var toolbar = html("div", { class: "figure-editor__tools" });
    var start = html("select", { "aria-label": "Start from another pose's figure", "data-figure-start": "" });
    start.appendChild(html("option", { value: "" }, "Start from…"));
    start.appendChild(html("option", { value: "standing" }, "A standing figure"));
    var mirror = html("button", { type: "button", class: "button", "data-figure-mirror": "" }, "Mirror left ↔ right");
    var clear = html("button", { type: "button", class: "button", "data-figure-clear": "" }, "No figure");
    toolbar.append(start, mirror, clear);

    var canvas = element("svg", {
      viewBox: "0 0 " + size.join(" "), class: "figure-editor__canvas", role: "group",
      "aria-label": "Figure: drag a joint, or focus it and use the arrow keys",
      fill: "none", stroke: "currentColor", "stroke-linecap": "round", "stroke-linejoin": "round"
    });
    element("rect", { x: 0, y: 0, width: size[0], height: size[1], class: "figure-editor__frame", stroke: "none" }, canvas);
    var drawing = element("g", {}, canvas);
    var handles = element("g", { class: "figure-editor__handles" }, canvas);
    var status = html("p", { class: "figure-editor__status", "aria-live": "polite" });
    editor.append(toolbar, canvas, status);
    textarea.parentNode.insertBefore(editor, textarea);

    function save() {
      textarea.value = figure ? JSON.stringify(figure) : "";
      textarea.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function render() {
      canvas.classList.toggle("is-empty", !figure);
      while (handles.firstChild) handles.removeChild(handles.firstChild);
      if (!figure) {
        while (drawing.firstChild) drawing.removeChild(drawing.firstChild);
        status.textContent = "No figure: start from another pose's figure or a standing one.";
        return;
      }
      draw(drawing, figure, size);
      Object.keys(figure.joints).forEach(function (name) {
        var point = figure.joints[name];
        var side = name.split("_")[0];
        var handle = element("circle", {
          cx: point[0], cy: point[1], r: 3.2, tabindex: 0, role: "button",
          class: "figure-editor__joint figure-editor__joint--" + (side === (figure.near || "right") ? "near" : side === "left" || side === "right" ? "far" : "body"),
          "data-joint": name, "aria-label": name.replace("_", " ") + " at " + point.join(", ")
        }, handles);
        if (name === selected) handle.classList.add("is-selected");
      });
    }

    function moveJoint(name, x, y) {
      x = Math.max(0, Math.min(size[0], Math.round(x)));
      y = Math.max(0, Math.min(size[1], Math.round(y)));
      figure.joints[name] = [x, y];
      status.textContent = name.replace("_", " ") + ": " + x + ", " + y;
      save();
      render();
    }

    function pointerAt(event) {
      var point = canvas.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      return point.matrixTransform(canvas.getScreenCTM().inverse());
    }

    canvas.addEventListener("pointerdown", function (event) {
      var name = event.target.getAttribute && event.target.getAttribute("data-joint");
      if (!name) return;
      event.preventDefault();
      selected = name;
      canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!selected || !canvas.hasPointerCapture(event.pointerId)) return;
      var point = pointerAt(event);
      moveJoint(selected, point.x, point.y);
    });
    canvas.addEventListener("pointerup", function (event) {
      if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
      var focused = handles.querySelector('[data-joint="' + selected + '"]');
      if (focused) focused.focus();
    });
    canvas.addEventListener("keydown", function (event) {
      var name = event.target.getAttribute && event.target.getAttribute("data-joint");
      var steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      if (!name || !steps[event.key]) return;
      event.preventDefault();
      var distance = event.shiftKey ? 5 : 1;
      var point = figure.joints[name];
      selected = name;
      moveJoint(name, point[0] + steps[event.key][0] * distance, point[1] + steps[event.key][1] * distance);
      handles.querySelector('[data-joint="' + name + '"]').focus();
    });

    textarea.addEventListener("input", function () {
      var value = parse(textarea.value);
      if (value || !textarea.value.trim()) {
        figure = value;
        render();
      } else {
        status.textContent = "The JSON below is not a figure yet; the drawing shows the last one that was.";
      }
    });

    mirror.addEventListener("click", function () {
      if (!figure) return;
      figure = mirrored(figure, size[0]);
      save();
      render();
      status.textContent = "Mirrored: left and right swapped.";
    });
    clear.addEventListener("click", function () {
      figure = null;
      save();
      render();
    });

    var choices = [];
    start.addEventListener("change", function () {
      if (start.value === "standing") {
        figure = copy(STANDING);
      } else if (start.value !== "") {
        figure = copy(choices[Number(start.value)].figure);
        figure.description = "";
      } else {
        return;
      }
      status.textContent = "Started from " + start.options[start.selectedIndex].text + ".";
      start.value = "";
      save();
      render();
    });
    figuresRequest = figuresRequest || fetch(textarea.dataset.figuresUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { poses: [] }; })
      .catch(function () { return { poses: [] }; });
    figuresRequest.then(function (data) {
      choices = data.poses;
      choices.forEach(function (pose, index) {
        start.appendChild(html("option", { value: String(index) }, pose.name));
      });
    });
    render();
  }

  function setupAll(root) {
    root.querySelectorAll("textarea[data-figure-editor]").forEach(setup);
  }

  document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  // A step added with "Add another step" brings its own figure field.
  document.addEventListener("formset:added", function (event) { setupAll(event.target); });
})();
