// Shared by every canvas view: ui/canvas.py puts this in front of each view's own script.
const FONT = "12px sans-serif";
const MUTED = "#555";

// What Python sent: ui/canvas.py sends every payload as JSON in bytes.
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
  const finite = values.filter((v) => v !== null && isFinite(v) && (!log || v > 0));
  if (!finite.length) return log ? [-2, 0] : [0, 1];
  let lo = Math.min(...finite), hi = Math.max(...finite);
  if (log) return [Math.log10(lo), Math.log10(hi) + 1e-9];
  if (hi - lo < 1e-9) { lo = lo >= 0 ? 0 : lo - 0.5; hi += 0.5; } // one value (a target line alone): no negative loss axis
  return [Math.min(lo, 0), hi + (hi - lo) * 0.05];
}

// A y-axis label that fits beside the axis title: "0.408", "1.2e-5", and "3e253" for a loss that blew up.
function tickLabel(v, digits) {
  const size = Math.abs(v);
  if (size >= 1e5) return v.toExponential(0).replace("+", "");
  if (size > 0 && size < 1e-3) return v.toExponential(1).replace("+", "");
  return Number(v.toPrecision(digits)).toString();
}

// A curve panel's frame: its border and three y labels; returns the epoch and value scales.
function plotFrame(ctx, box, first, last, lo, hi, log) {
  const { x, y, w, h } = box;
  const opts = { log };
  const sx = (e) => x + ((e - first) / Math.max(last - first, 1)) * w;
  const tr = (v) => (opts.log ? Math.log10(Math.max(v, 1e-12)) : v);
  const sy = (v) => y + h - ((tr(v) - lo) / Math.max(hi - lo, 1e-12)) * h;
  ctx.strokeStyle = "#ccc";
  ctx.lineWidth = 1;
  ctx.strokeRect(x, y, w, h);
  ctx.fillStyle = MUTED;
  ctx.textAlign = "right";
  for (let k = 0; k <= 2; k++) {
    const v = lo + ((hi - lo) * k) / 2;
    ctx.fillText(tickLabel(opts.log ? Math.pow(10, v) : v, opts.log ? 2 : 3), x - 4, y + h - (h * k) / 2 + 4);
  }
  return { sx, sy };
}

// Each series as a line over `epochs`, broken where a value is missing (or not positive on a log scale).
// A point with no neighbour (the first epoch, say) is drawn as a dot, since a line through it has no length.
function strokeSeries(ctx, series, epochs, sx, sy, log) {
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
}
