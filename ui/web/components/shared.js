// Shared by every canvas view: ui/web/canvas.py puts this in front of each view's own script.
const FONT = "12px sans-serif";
const MUTED = "#555";

// What Python sent: ui/web/canvas.py sends every payload as JSON in bytes.
function viewData(component) {
  const { data } = component;
  return data instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(data)) : data;
}

// The view's root element, made on first use: `html` inside, `state` attached, and the pointer over
// the `hoverOn` canvas kept in root.state.hover, with onHover(root) called as it moves or leaves.
// Returns [root, created] so a view can add its own listeners once.
function viewRoot(parentElement, className, html, state, hoverOn, onHover) {
  const existing = parentElement.querySelector("." + className);
  if (existing) return [existing, false];
  const root = document.createElement("div");
  root.className = className;
  root.innerHTML = html;
  parentElement.appendChild(root);
  root.state = state;
  const canvas = root.querySelector(hoverOn);
  canvas.addEventListener("mousemove", (e) => {
    const r = canvas.getBoundingClientRect();
    root.state.hover = { x: e.clientX - r.left, y: e.clientY - r.top };
    onHover(root);
  });
  canvas.addEventListener("mouseleave", () => { root.state.hover = null; onHover(root); });
  return [root, true];
}

// A canvas sized in CSS pixels, drawn at the screen's pixel ratio, cleared, with the default font.
function sized(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = FONT;
  return ctx;
}

function niceRange(values, log) {
  const finite = drawable(values, log);
  if (!finite.length) return log ? [-2, 0] : [0, 1];
  let lo = Math.min(...finite), hi = Math.max(...finite);
  if (log) return logRange(lo, hi);
  if (lo >= 0) return [0, niceTop(hi * 1.05)]; // a loss: from 0 to a round number, so 0 / half / top read cleanly
  if (hi - lo < 1e-9) return [lo - 0.5, hi + 0.5];
  return [lo, hi + (hi - lo) * 0.05];
}

// The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 or 10 times a power of ten that is at least v:
// its half is as round as itself (0.8 -> 0.4, 1.5 -> 0.75), unlike 0.728 -> 0.364.
const NICE_STEPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
function niceTop(v) {
  if (!(v > 0)) return 1;
  const k = Math.floor(Math.log10(v));
  const scale = (step) => (k < 0 ? step / Math.pow(10, -k) : step * Math.pow(10, k)); // 3 / 10, not 3 * 0.1
  const top = scale(NICE_STEPS.find((step) => scale(step) >= v * (1 - 1e-12)) ?? 10);
  return Math.min(top, Number.MAX_VALUE); // a loss near the largest double keeps a finite axis
}

// The values a curve panel can draw: finite ones, and on a log scale only the positive ones.
function drawable(values, log) {
  return values.filter((v) => v !== null && isFinite(v) && (!log || v > 0));
}

// A log axis in decades, from the smallest positive value to the largest, however many decades apart
// (a loss that goes from 5e-6 down to 1e-11 gets the whole way); a single value gets a decade around it.
// The margin is at most a tenth of a decade, and the axis stays inside what a double can hold.
const LOG_FLOOR = Math.log10(Number.MIN_VALUE); // -323.3
function logRange(lo, hi) {
  const a = Math.log10(lo), b = Math.log10(hi);
  const pad = b - a < 1e-9 ? 0.5 : Math.min((b - a) * 0.02, 0.1);
  return [Math.max(a - pad, LOG_FLOOR), b + pad];
}

// A score axis (accuracy or R², neither ever above 1): its top at 1, its bottom at the data's lowest
// value or 0, but never below SCORE_FLOOR, so a diverged run's R² of -1e285 leaves a readable axis.
// `clipped` says whether some values lie below the axis (off the chart).
const SCORE_FLOOR = -1;
function scoreRange(values) {
  const finite = drawable(values, false);
  const lowest = Math.min(0, ...finite);
  return { range: [Math.max(lowest, SCORE_FLOOR), 1], clipped: lowest < SCORE_FLOOR };
}

// A y-axis label that fits beside the axis title: "0.408", "1.2e-5", "3e-165", and "3e253" for a loss
// that blew up (at most 7 characters: longer ones ran into the title).
function tickLabel(v, digits) {
  const size = Math.abs(v);
  if (size >= 1e5) return v.toExponential(0).replace("+", "");
  if (size > 0 && size < 1e-3) {
    const label = v.toExponential(1).replace(".0e", "e"); // "4e-4", not "4.0e-4"
    return label.length <= 7 ? label : v.toExponential(0);
  }
  return Number(v.toPrecision(digits)).toString();
}

// A curve panel's frame: its border and three y labels; returns the epoch and value scales.
function plotFrame(ctx, box, first, last, lo, hi, log) {
  const { x, y, w, h } = box;
  const sx = (e) => x + ((e - first) / Math.max(last - first, 1)) * w;
  const tr = (v) => (log ? Math.log10(v) : v); // non-positive values are never drawn on a log axis
  const sy = (v) => y + h - ((tr(v) - lo) / Math.max(hi - lo, 1e-12)) * h;
  ctx.strokeStyle = "#ccc";
  ctx.lineWidth = 1;
  ctx.strokeRect(x, y, w, h);
  ctx.fillStyle = MUTED;
  ctx.textAlign = "right";
  for (let k = 0; k <= 2; k++) {
    const v = lo + ((hi - lo) * k) / 2;
    ctx.fillText(tickLabel(log ? Math.pow(10, v) : v, log ? 2 : 3), x - 4, y + h - (h * k) / 2 + 4);
  }
  return { sx, sy };
}

// The epoch axis under a panel: the first epoch at its left edge, the last one ending at its right
// edge (centred there, "20000" would run past the canvas and read "2000"), "epoch" in the middle.
function epochAxis(ctx, box, first, last, y, shown) {
  ctx.fillStyle = MUTED;
  if (shown) {
    ctx.textAlign = "left";
    ctx.fillText(String(first), box.x, y);
    ctx.textAlign = "right";
    if (last !== first) ctx.fillText(String(last), box.x + box.w, y); // one epoch: one label, not "1 … 1"
  }
  ctx.textAlign = "center";
  ctx.fillText("epoch", box.x + box.w / 2, y);
}

// A short note inside a panel, bottom left: what the panel cannot show.
function panelNote(ctx, box, text) {
  ctx.fillStyle = MUTED;
  ctx.textAlign = "left";
  ctx.fillText(text, box.x + 6, box.y + box.h - 6);
}

// Each series as a line over `epochs`, broken where a value is missing (or not positive on a log scale).
// A point with no neighbour (the first epoch, say) is drawn as a dot, since a line through it has no length.
// With `box`, lines are clipped to it: a value off the chart (below a score axis's floor) leaves the panel.
function strokeSeries(ctx, series, epochs, sx, sy, log, box) {
  ctx.save();
  if (box) {
    ctx.beginPath();
    ctx.rect(box.x, box.y, box.w, box.h);
    ctx.clip();
  }
  for (const s of series) {
    ctx.strokeStyle = ctx.fillStyle = s.colour;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dash ? [6, 4] : []);
    ctx.beginPath();
    const shown = (i) => i >= 0 && i < s.values.length && s.values[i] !== null && isFinite(s.values[i]) &&
      !(log && s.values[i] <= 0);
    const lone = [];
    s.values.forEach((v, i) => {
      if (!shown(i)) return;
      if (shown(i - 1)) ctx.lineTo(sx(epochs[i]), sy(v)); else ctx.moveTo(sx(epochs[i]), sy(v));
      if (!shown(i - 1) && !shown(i + 1)) lone.push([sx(epochs[i]), sy(v)]);
    });
    ctx.stroke();
    for (const [x, y] of lone) ctx.fillRect(x - 2, y - 2, 4, 4);
  }
  ctx.setLineDash([]);
  ctx.restore();
}

// The data points over the input plane: a disc in its class colour inside the set's outline, and around
// that a 1.5 px ring of the opposite lightness, so a point stays visible on a background of its own colour
// (a confidently classified region is exactly the class colour: a white outline alone read as a hollow
// ring). 1.5 px, since a thinner ring at a fractional position blurs to half its darkness.
const POINT_RING = 1.5;
function drawPoints(ctx, sets, px, py, radius, lineWidth) {
  for (const set of sets) {
    const ring = isLight(set.outline) ? "rgba(20,20,20,0.9)" : "rgba(255,255,255,0.95)";
    ctx.lineWidth = lineWidth;
    ctx.strokeStyle = set.outline;
    for (let i = 0; i < set.x.length; i++) {
      const x = px(set.x[i]), y = py(set.y[i]);
      ctx.beginPath();
      ctx.arc(x, y, radius + lineWidth / 2 + POINT_RING, 0, 2 * Math.PI);
      ctx.fillStyle = ring;
      ctx.fill();
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.fillStyle = set.colours[set.c[i]];
      ctx.fill();
      ctx.stroke();
    }
  }
}

// "#ffffff" -> true: a colour closer to white than to black.
function isLight(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.299 * r + 0.587 * g + 0.114 * b > 128;
}

// What a panel says when part of its data cannot be drawn, or null.
function panelMessage(values, log, score) {
  const known = values.filter((v) => v !== null && isFinite(v));
  if (log && known.length && !drawable(known, true).length) return "no loss above 0: nothing to draw on a log scale";
  if (score && score.clipped) return `values below ${SCORE_FLOOR} are off the chart`;
  return null;
}
