// The Playground's live view: the model's output over the input plane with the data points, and
// the loss and score curves. Drawn on two canvases that stay mounted, so each frame only repaints:
// no chart library, no DOM rebuilt. `data` comes from ui/render/charts.py:live_view_payload. A frame is
// the model's weights; the plane is computed from them here (forward.js). A payload can carry several
// frames (a slow tick bundles them); they are shown data.frame_ms apart, oldest first.
export default function (component) {
  const { parentElement } = component;
  const data = viewData(component);
  const [root, created] = viewRoot(parentElement, "nnpg-live",
    '<canvas class="plane"></canvas><canvas class="curves"></canvas><div class="tip"></div><div class="ptip"></div>',
    { image: null, epoch: 0, timers: [], data: null, hover: null, planeHover: null }, ".curves", drawCurves);
  if (created) followOnPlane(root);
  root.state.data = data;
  root.state.timers.forEach(clearTimeout); // a newer payload replaces what was still to be shown
  showFrame(root, data.frames[0]);
  root.state.timers = data.frames.slice(1).map((f, i) => setTimeout(() => showFrame(root, f), (i + 1) * data.frame_ms));
}

// The output over the plane at the grid's resolution, one pixel per grid point (drawn scaled up).
function planeImage(net, params, discretize) {
  const res = net.resolution, k = net.layers[net.layers.length - 1].units;
  const outputs = forwardGrid(net, decodeParams(params), res);
  const image = document.createElement("canvas");
  image.width = image.height = res;
  const ctx = image.getContext("2d");
  const pixels = ctx.createImageData(res, res);
  paintOutput(pixels.data, outputs[outputs.length - 1], k, net.kind, discretize, net.colours);
  ctx.putImageData(pixels, 0, 0);
  return { image, outputs };
}

function showFrame(root, frame) {
  const d = root.state.data;
  const plane = planeImage(d.net, frame.params, d.discretize);
  root.state.image = plane.image;
  root.state.outputs = plane.outputs; // every layer's output on the grid, read by the browser tests
  root.state.epoch = frame.epoch;
  drawPlane(root);
  drawCurves(root);
  planeTip(root); // the value under the pointer, of this frame: hover stays live while training plays
  window.nnpgLiveFrames = (window.nnpgLiveFrames || 0) + 1; // read by bench/bench_frames.py
}

function layoutWidth(root) {
  return Math.max(root.clientWidth || root.parentNode.clientWidth || 900, 240);
}

// Side by side on a wide view; on a narrow one (a phone) the plane first, then the curves, each full width,
// so nothing is wider than the screen.
const STACK_BELOW = 600;
function planeSize(root) {
  const width = layoutWidth(root), d = root.state.data;
  return width < STACK_BELOW ? Math.min(width, d.height) : Math.min(d.height, Math.floor(width * 0.48));
}

function curvesWidth(root) {
  const width = layoutWidth(root);
  return width < STACK_BELOW ? width : Math.max(width - planeSize(root) - 24, 260);
}

function drawPlane(root) {
  const d = root.state.data;
  const size = planeSize(root);
  const ctx = sized(root.querySelector(".plane"), size, size);
  const m = 34, w = size - m - 8, [lo, hi] = d.domain;
  const px = (v) => m + ((v - lo) / (hi - lo)) * w;
  const py = (v) => 8 + ((hi - v) / (hi - lo)) * w;
  root.state.planeBox = { m, w, lo, hi };
  ctx.imageSmoothingEnabled = !d.discretize;
  ctx.drawImage(root.state.image, m, 8, w, w);
  drawPoints(ctx, d.points, px, py, 3.5, 1);
  ctx.fillStyle = MUTED;
  ctx.strokeStyle = "#999";
  ctx.strokeRect(m, 8, w, w);
  ctx.textAlign = "center";
  for (let t = Math.ceil(lo); t <= hi; t += 2) {
    ctx.fillText(String(t), px(t), 8 + w + 14);
  }
  ctx.textAlign = "right";
  for (let t = Math.ceil(lo); t <= hi; t += 2) {
    ctx.fillText(String(t), m - 4, py(t) + 4);
  }
  ctx.textAlign = "center";
  ctx.fillText(d.xlabel, m + w / 2, size - 1 > 8 + w + 26 ? 8 + w + 26 : size - 1);
}

// The pointer over the plane, by mouse or by touch (a tap shows what hovering shows).
function followOnPlane(root) {
  const plane = root.querySelector(".plane");
  const follow = (e) => {
    const r = plane.getBoundingClientRect();
    root.state.planeHover = { x: e.clientX - r.left, y: e.clientY - r.top };
    planeTip(root);
  };
  plane.addEventListener("pointermove", follow);
  plane.addEventListener("pointerdown", follow);
  plane.addEventListener("pointerleave", () => { root.state.planeHover = null; planeTip(root); });
}

// The network's output at the grid point under the pointer, from the frame on screen.
function planeTip(root) {
  const tip = root.querySelector(".ptip"), h = root.state.planeHover, box = root.state.planeBox;
  const d = root.state.data, outputs = root.state.outputs;
  const fx = h && box ? (h.x - box.m) / box.w : -1, fy = h && box ? (h.y - 8) / box.w : -1;
  if (!outputs || fx < 0 || fx >= 1 || fy < 0 || fy >= 1) { tip.style.display = "none"; return; }
  const res = d.net.resolution, k = d.net.layers[d.net.layers.length - 1].units;
  const p = (Math.floor(fy * res) * res + Math.floor(fx * res)) * k, out = outputs[outputs.length - 1];
  const v = Array.from(out.subarray(p, p + k), (x) => (Number.isFinite(x) ? x.toFixed(3) : "no value"));
  const span = box.hi - box.lo;
  const lines = [`X₁ ${(box.lo + fx * span).toFixed(2)}, X₂ ${(box.hi - fy * span).toFixed(2)}`].concat(
    d.net.kind === "binary" ? [`P(class 1) = ${v[0]}`]
      : d.net.kind === "regression" ? [`prediction = ${v[0]}`] : v.map((x, j) => `P(class ${j}) = ${x}`));
  tip.textContent = lines.join("\n");
  tip.style.display = "block";
  tip.style.left = Math.min(h.x + 14, box.m + box.w - 120) + "px";
  tip.style.top = h.y + 14 + "px";
}

// One curve panel; `opts.log` a log axis, `opts.score` a score axis (top at 1, floor at SCORE_FLOOR).
// Says so in the panel when it cannot show everything. Returns the panel's range, for the tests.
function panel(ctx, box, series, epochs, opts, hoverIndex) {
  const { y, h } = box;
  const all = series.flatMap((s) => s.values);
  const score = opts.score ? scoreRange(all) : null;
  const [lo, hi] = score ? score.range : niceRange(all, opts.log);
  const last = epochs.length ? epochs[epochs.length - 1] : 1;
  const first = epochs.length ? epochs[0] : 0;
  const { sx, sy } = plotFrame(ctx, box, first, last, lo, hi, opts.log);
  ctx.save();
  ctx.translate(12, y + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText(opts.title, 0, 0);
  ctx.restore();
  strokeSeries(ctx, series, epochs, sx, sy, opts.log, box);
  const note = panelMessage(all, opts.log, score);
  if (note) panelNote(ctx, box, note);
  if (hoverIndex !== null) {
    ctx.strokeStyle = "#888";
    ctx.beginPath();
    ctx.moveTo(sx(epochs[hoverIndex]), y);
    ctx.lineTo(sx(epochs[hoverIndex]), y + h);
    ctx.stroke();
  }
  return { first, last, range: [lo, hi], note };
}

function drawCurves(root) {
  const d = root.state.data;
  const width = curvesWidth(root);
  const ctx = sized(root.querySelector(".curves"), width, d.height);
  const box = { x: 62, w: width - 72 };
  const half = (d.height - 40) / 2;
  const top = { ...box, y: 22, h: half - 10 }, bottom = { ...box, y: 22 + half + 6, h: half - 10 };
  const shown = d.epochs.findLastIndex((e) => e <= root.state.epoch) + 1; // the curves up to this frame
  const epochs = d.epochs.slice(0, shown);
  const series = d.series.map((s) => ({ ...s, values: s.values.slice(0, shown) }));
  let hoverIndex = null;
  const tip = root.querySelector(".tip");
  if (root.state.hover && epochs.length) {
    const fx = (root.state.hover.x - box.x) / box.w;
    const target = epochs[0] + fx * (epochs[epochs.length - 1] - epochs[0]);
    hoverIndex = epochs.reduce((best, e, i) => (Math.abs(e - target) < Math.abs(epochs[best] - target) ? i : best), 0);
  }
  const loss = series.filter((s) => s.panel === "loss"), score = series.filter((s) => s.panel === "score");
  const lossPanel = panel(ctx, top, loss, epochs, { log: d.log_loss, title: d.log_loss ? "loss (log)" : "loss" },
    hoverIndex);
  const scorePanel = panel(ctx, bottom, score, epochs, { title: d.score_label, score: true }, hoverIndex);
  root.state.panels = { loss: lossPanel, score: scorePanel }; // what the axes show, read by the browser tests
  epochAxis(ctx, box, scorePanel.first, scorePanel.last, d.height - 4, epochs.length > 0);
  let lx = box.x + box.w;
  ctx.textAlign = "right";
  for (const s of [...d.series].reverse().filter((s) => s.panel === "loss")) {
    ctx.fillStyle = s.colour;
    const entry = (s.dash ? "╍ " : "━ ") + s.name.replace(" loss", "");
    ctx.fillText(entry, lx, 14);
    lx -= ctx.measureText(entry).width + 16;
  }
  if (hoverIndex !== null) {
    const lines = [`epoch ${epochs[hoverIndex]}`].concat(
      series.map((s) => `${s.name}: ${s.values[hoverIndex] === null ? "–" : Number(s.values[hoverIndex]).toPrecision(4)}`));
    tip.textContent = lines.join("\n");
    tip.style.display = "block";
    tip.style.left = Math.min(root.state.hover.x + 16, width - 160) + root.querySelector(".curves").offsetLeft + "px";
    tip.style.top = "30px";
  } else {
    tip.style.display = "none";
  }
}
