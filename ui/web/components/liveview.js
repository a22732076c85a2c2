// The Playground's live view: the bar (epoch and scores of the frame on screen), the network diagram
// (diagram.js), the model's output over the input plane with the data points, and the loss and score
// curves. Canvases that stay mounted, so each frame only repaints: no chart library, no DOM rebuilt. `data`
// comes from ui/render/charts.py:live_view_payload. A frame is the model's weights; the plane and every
// neuron's heatmap are computed from them here (forward.js), so all of it shows the same epoch. A payload
// can carry several frames (a slow tick bundles them); they are shown data.frame_ms apart, oldest first.
// Clicks on the diagram send the trigger "action": ["features", [names]], ["network", [units per hidden
// layer]] (absolute targets, so a click the server missed is made good by the next) or ["pick", column, row].
export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const data = viewData(component);
  const [root, created] = viewRoot(parentElement, "nnpg-live",
    '<div class="bar"></div><div class="main"><canvas class="plane"></canvas>' +
      '<div class="net"><div class="dghead"></div><div class="dgwrap"><canvas class="diagram"></canvas>' +
      '<div class="dgctl"></div></div><div class="legend"></div><div class="eval"></div></div>' +
      '<canvas class="curves"></canvas></div>' +
      '<div class="draw"></div><div class="tip"></div><div class="ptip"></div><div class="ntip"></div>',
    { image: null, epoch: 0, queue: [], data: null, hover: null, planeHover: null, netHover: null,
      matrices: false, want: null, tool: null, drawn: null, split: "test", cell: null, eval: null },
    ".curves", drawCurves);
  if (created) listen(root);
  root.state.act = setTriggerValue;
  root.state.data = data;
  noticeNewSession(data.session, setTriggerValue);
  if (root.state.want && (Date.now() - root.state.want.at > 2000 || sameStructure(root.state.want, data.net))) {
    root.state.want = null; // the server took the change (or refused it): show what it sends
  }
  const drawn = root.state.drawn;
  if (drawn && !drawn.local &&
      (Date.now() - drawn.at > 3000 || !data.drawing || sameSet(drawn.points, data.drawing.points))) {
    root.state.drawn = null; // the server has the drawing (or refused it, and says why)
  }
  // A newer payload replaces what was still to be shown. Each frame is due frame_ms after the one before.
  const now = performance.now();
  root.state.queue = data.frames.map((frame, i) => ({ frame, due: now + i * data.frame_ms }));
  playQueue(root);
}

// The server session behind this page, kept for the page's life (not the view's: Streamlit may remount it).
// Another one means the server that held the session went away and the page reconnected to a new one: say so.
function noticeNewSession(session, act) {
  if (!session) return;
  const known = window.nnpgSession;
  window.nnpgSession = session;
  if (known && known !== session) act("action", ["lost"]);
}

// Once per animation frame, the latest frame that is due: a frame the browser had no time to paint before
// the next one was due is skipped, never painted late (a big network paints slower than frames arrive).
function playQueue(root) {
  const s = root.state;
  if (s.painting) return;
  s.painting = true;
  const step = () => {
    const now = performance.now();
    let next = null;
    while (s.queue.length && s.queue[0].due <= now) next = s.queue.shift();
    if (next) showFrame(root, next.frame);
    if (s.queue.length) requestAnimationFrame(step);
    else s.painting = false;
  };
  step();
}

function listen(root) {
  listenKeys(root);
  listenDrawing(root);
  followOnPlane(root);
  followOnDiagram(root);
  root.querySelector(".dghead").addEventListener("click", (e) => headerClick(root, e));
  root.querySelector(".dgctl").addEventListener("click", (e) => headerClick(root, e));
  new ResizeObserver(() => { if (root.state.params) paintAll(root); }).observe(root);
}

// The output over the plane at the grid's resolution, one pixel per grid point (drawn scaled up), into the
// previous frame's image when it has that size.
function planeImage(net, outputs, discretize, image) {
  const res = net.resolution, k = net.layers[net.layers.length - 1].units;
  if (!image || image.width !== res) {
    image = document.createElement("canvas");
    image.width = image.height = res;
    image.pixels = image.getContext("2d").createImageData(res, res);
  }
  paintOutput(image.pixels.data, outputs[outputs.length - 1], k, net.kind, discretize, net.colours);
  image.getContext("2d").putImageData(image.pixels, 0, 0);
  return image;
}

function showFrame(root, frame) {
  const s = root.state, net = s.data.net;
  s.params = decodeParams(frame.params);
  s.layers = layerParams(net, s.params);
  s.outputs = forwardGrid(net, s.params, net.resolution, s.outputs || []); // every layer's, read by the tests
  s.image = planeImage(net, s.outputs, s.data.discretize, s.image);
  s.values = diagramValues(net, s.params, s.values);
  s.epoch = frame.epoch;
  s.shown = frame.shown;
  s.eval = frame.eval || null;
  paintAll(root);
  window.nnpgLiveFrames = (window.nnpgLiveFrames || 0) + 1; // read by bench/bench_frames.py
}

function paintAll(root) {
  const box = viewBox(root);
  root.state.box = box;
  placeParts(root, box);
  drawBar(root);
  drawPlane(root);
  paintDiagram(root, root.querySelector(".diagram"), box.netWidth, box.netHeight);
  drawHeader(root);
  drawCurves(root);
  drawEvaluation(root);
  planeTip(root); // the value under the pointer, of this frame: hover stays live while training plays
  netTip(root);
}

function layoutWidth(root) {
  return Math.max(root.clientWidth || root.parentNode.clientWidth || 900, 240);
}

// The view's parts and their sizes. Wide: the diagram on the left, the plane and under it the curves on the
// right, all fitted to the window's height below the view's top (so the whole view is in the first screen).
// Narrow (a phone): the plane first, then the network, then the curves, each the full width.
const STACK_BELOW = 720, BAR = 28, HEAD = 24, LEGEND = 34;
function viewBox(root) {
  const width = layoutWidth(root), d = root.state.data;
  const dg = d.net.diagram, most = Math.max(...dg.columns.map((c) => c.labels.length));
  if (width < STACK_BELOW) {
    const plane = Math.min(width, 440);
    return { wide: false, width, plane, curvesWidth: width, curvesHeight: 260, netWidth: width,
      netHeight: 48 + most * Math.min(40, Math.max(26, width / 12)) };
  }
  const top = root.getBoundingClientRect().top + window.scrollY;
  const room = d.fit ? Math.max(400, window.innerHeight - top - 12) - BAR : d.height;
  const plane = Math.floor(Math.max(240, Math.min(room * 0.62, width * 0.4, 480)));
  const curvesHeight = Math.max(150, Math.min(300, room - plane - 8));
  const netHeight = Math.min(plane + curvesHeight + 8 - HEAD - LEGEND - evaluationHeight(d), 52 + most * 64);
  return { wide: true, width, plane, curvesWidth: plane, curvesHeight, netWidth: width - plane - 20, netHeight };
}

function placeParts(root, box) {
  const main = root.querySelector(".main"), [plane, net, curves] = ["plane", "net", "curves"].map(
    (c) => root.querySelector("." + c));
  main.style.gridTemplateColumns = box.wide ? `${box.netWidth}px ${box.plane}px` : `${box.width}px`;
  const at = (el, column, row) => { el.style.gridColumn = column; el.style.gridRow = row; };
  if (box.wide) { at(net, "1", "1 / span 2"); at(plane, "2", "1"); at(curves, "2", "2"); }
  else { at(plane, "1", "1"); at(net, "1", "2"); at(curves, "1", "3"); }
}

// The epoch and scores of the frame on screen. The items are made once per set of labels; a frame only
// changes their numbers (rebuilding them 25 times a second re-laid out the bar every frame).
// Space plays or pauses, S steps, R resets (a view whose payload says `keys`); never while typing in a field, nor with a modifier (Ctrl+R
// still reloads). Each key sends the command itself ("play", not "toggle"), so a repeat changes nothing.
const KEYS = { " ": (s) => (s.data.keys.playing ? "pause" : "play"), s: () => "step", r: () => "reset" };

function listenKeys(root) {
  window.addEventListener("keydown", (e) => {
    const command = KEYS[e.key.toLowerCase()];
    if (!command || !root.isConnected || !root.state.data.keys) return;
    if (e.repeat || e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    e.preventDefault(); // Space would scroll the page, or press the focused button as well
    e.stopImmediatePropagation(); // R is Streamlit's "rerun" too
    root.state.act("action", ["key", command(root.state)]);
  }, { capture: true });
}

function typing(e) {
  const target = e.composedPath()[0];
  return !!target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function drawBar(root) {
  const bar = root.querySelector(".bar"), shown = root.state.shown || [];
  const labels = shown.map(([label]) => label).join("|"), fresh = bar.dataset.labels !== labels;
  if (fresh) {
    bar.dataset.labels = labels;
    bar.replaceChildren(...shown.map(([label]) => {
      const item = document.createElement("span");
      item.className = "item";
      item.dataset.label = label;
      item.innerHTML = "<span></span> <b></b>";
      item.firstChild.textContent = label;
      return item;
    }));
  }
  shown.forEach(([, value], i) => { bar.children[i].lastChild.textContent = value; });
  const width = root.state.box ? root.state.box.width : 0;
  if (fresh || bar.dataset.width !== String(width)) {
    bar.dataset.width = width;
    keysHint(root, bar);
  }
}

// The keys, at the end of the bar: where a keyboard is likely and the bar has room for them on its line.
function keysHint(root, bar) {
  bar.querySelectorAll(".keys").forEach((old) => old.remove());
  if (!root.state.data.keys || !matchMedia("(hover: hover)").matches || !bar.firstChild) return;
  const hint = document.createElement("span");
  hint.className = "keys";
  hint.innerHTML = "keys <kbd>Space</kbd> <kbd>S</kbd> <kbd>R</kbd>";
  hint.title = "Space: play / pause · S: step · R: reset (not while typing in a field)";
  bar.append(hint);
  const first = bar.firstChild;
  if (hint.offsetTop >= first.offsetTop + first.offsetHeight) hint.remove(); // it wrapped: the bar keeps one line
}

// The diagram's header: hidden layers − n +, the links/matrices switch; and − / + over each hidden layer.
function drawHeader(root) {
  const s = root.state, dg = s.data.net.diagram, units = wanted(s);
  const free = dg.editable.layers, lim = dg.limits;
  const key = JSON.stringify([units, free, s.matrices, s.layout.xs, s.layout.width, s.layout.narrow]);
  if (s.headerKey === key) return;
  s.headerKey = key;
  const head = root.querySelector(".dghead");
  head.innerHTML = "";
  head.append(button("−", "layers-minus", "Remove the last hidden layer", !free || units.length === 0),
    text(`${units.length} hidden layer${units.length === 1 ? "" : "s"}`),
    button("+", "layers-plus", "Add a hidden layer", !free || units.length >= lim.layers),
    button(s.matrices ? "Show links" : "Show weight matrices", "matrices",
      "Draw each layer's weights as links or as a matrix (rows: from, columns: to)", false));
  const ctl = root.querySelector(".dgctl");
  ctl.innerHTML = "";
  units.forEach((n, i) => {
    const group = document.createElement("div");
    group.className = s.layout.narrow ? "units under" : "units"; // under the subtitle: no button on the next layer's
    group.style.left = s.layout.xs[i + 1] + "px";
    group.append(button("−", `units-minus-${i}`, `One neuron less in layer ${i + 1}`, !free || n <= 1),
      button("+", `units-plus-${i}`, `One neuron more in layer ${i + 1}`, !free || n >= lim.neurons));
    ctl.append(group);
  });
  root.querySelector(".legend").textContent = dg.legend.replace("{scale}", s.values.scale);
}

function button(label, act, title, disabled) {
  const b = document.createElement("button");
  b.textContent = label;
  b.dataset.act = act;
  b.title = title;
  b.setAttribute("aria-label", title);
  b.disabled = disabled;
  return b;
}

function text(words) {
  const span = document.createElement("span");
  span.textContent = words;
  return span;
}

// The hidden layers' sizes as last asked for: what the server sent, or the change still on its way.
function wanted(s) {
  return s.want ? s.want.units : s.data.net.diagram.columns.filter((c) => c.kind === "hidden").map((c) => c.labels.length);
}

function sameStructure(want, net) {
  const units = net.diagram.columns.filter((c) => c.kind === "hidden").map((c) => c.labels.length);
  return JSON.stringify(units) === JSON.stringify(want.units);
}

function headerClick(root, e) {
  const act = e.target.closest("button") && e.target.closest("button").dataset.act;
  if (!act) return;
  const s = root.state;
  if (act === "matrices") { s.matrices = !s.matrices; paintAll(root); return; }
  const units = wanted(s).slice(), lim = s.data.net.diagram.limits;
  if (act === "layers-plus" && units.length < lim.layers) units.push(units.length ? units[units.length - 1] : 4);
  else if (act === "layers-minus" && units.length) units.pop();
  else {
    const [, sign, i] = act.split("-"), j = Number(i);
    units[j] = Math.max(1, Math.min(lim.neurons, units[j] + (sign === "plus" ? 1 : -1)));
  }
  s.want = { units, at: Date.now() };
  s.headerKey = null;
  drawHeader(root);
  s.act("action", ["network", units]);
}

// The pointer over the diagram, by mouse or touch: a tip, and the hovered node drawn over the whole plane.
function followOnDiagram(root) {
  const canvas = root.querySelector(".diagram");
  followPointer(root, canvas, "netHover", () => { netTip(root); drawPlane(root); });
  canvas.addEventListener("click", (e) => {
    const s = root.state, hit = diagramHit(s, s.netHover), dg = s.data.net.diagram;
    if (!hit || !hit.node) return;
    const n = hit.node, hidden = dg.columns[n.c].kind === "hidden";
    if (hidden && (e.shiftKey || e.altKey)) { operate(s, e.shiftKey ? "off" : "frozen", n); return; }
    if (n.c > 0) { s.act("action", ["pick", n.c, n.r]); return; }
    if (!dg.editable.features) return;
    const on = new Set(dg.active.map((i) => dg.features[i]));
    const name = dg.features[n.r];
    if (on.has(name)) on.delete(name); else on.add(name);
    if (on.size) s.act("action", ["features", dg.features.filter((f) => on.has(f))]);
  });
}

// Switch neuron n off or on ("off"), or freeze or thaw it ("frozen"): the whole new list, as "layer.neuron".
function operate(s, kind, n) {
  const dg = s.data.net.diagram, list = dg[kind].filter(([c, r]) => !(c === n.c && r === n.r));
  if (list.length === dg[kind].length) list.push([n.c, n.r]);
  s.act("action", [kind, list.map(([c, r]) => `${c}.${r + 1}`)]);
}

function netTip(root) {
  const s = root.state, tip = root.querySelector(".ntip"), hit = diagramHit(s, s.netHover);
  if (!hit) { tip.style.display = "none"; return; }
  const canvas = root.querySelector(".diagram");
  tip.textContent = diagramTipLines(s, hit).join("\n");
  tip.style.display = "block";
  tip.style.left = canvas.offsetLeft + Math.min(s.netHover.x + 14, s.layout.width - 200) + "px";
  tip.style.top = canvas.offsetTop + Math.min(s.netHover.y + 14, s.layout.height - 70) + "px";
}

function drawPlane(root) {
  const s = root.state, d = s.data, size = s.box.plane;
  const ctx = sized(root.querySelector(".plane"), size, size);
  const m = 30, w = size - m - 8, [lo, hi] = d.domain;
  const px = (v) => m + ((v - lo) / (hi - lo)) * w;
  const py = (v) => 8 + ((hi - v) / (hi - lo)) * w;
  s.planeBox = { m, w, lo, hi };
  const hit = diagramHit(s, s.netHover), node = hit && hit.node;
  s.planeShows = node ? node.label : null; // a hovered node is shown over the whole plane
  ctx.imageSmoothingEnabled = !d.discretize || !!node;
  ctx.drawImage(node ? nodePlane(root, node) : s.image, m, 8, w, w);
  drawPoints(ctx, s.drawn ? [drawnSet(d, s.drawn.points)] : d.points, px, py, size < 360 ? 2.8 : 3.5, 1);
  drawMarked(root, ctx, px, py, size < 360 ? 2.8 : 3.5); // the confusion matrix's picked cell
  placeTools(root);
  if (s.drawn && s.drawn.local) {
    ctx.fillStyle = "#222";
    ctx.fillText(`${s.drawn.points.length} of ${d.drawing.min} points: keep drawing`, m + 6, 8 + w - 8);
  }
  ctx.fillStyle = MUTED;
  ctx.strokeStyle = "#999";
  ctx.strokeRect(m, 8, w, w);
  ctx.textAlign = "center";
  for (let t = Math.ceil(lo); t <= hi; t += 2) ctx.fillText(String(t), px(t), 8 + w + 14);
  ctx.textAlign = "right";
  for (let t = Math.ceil(lo); t <= hi; t += 2) ctx.fillText(String(t), m - 4, py(t) + 4);
  ctx.textAlign = "left";
  if (node) {
    ctx.fillStyle = "#222";
    ctx.fillText(`showing ${node.label}`, m + 6, 24);
  }
}

// The pointer over the plane, by mouse or by touch (a tap shows what hovering shows).
function followOnPlane(root) {
  followPointer(root, root.querySelector(".plane"), "planeHover", () => planeTip(root));
}

// Keep the pointer's place on `canvas` in root.state[key] (null once it leaves), by mouse or touch, and
// call `moved` after each change.
function followPointer(root, canvas, key, moved) {
  const follow = (e) => {
    const r = canvas.getBoundingClientRect();
    root.state[key] = { x: e.clientX - r.left, y: e.clientY - r.top };
    moved();
  };
  canvas.addEventListener("pointermove", follow);
  canvas.addEventListener("pointerdown", follow);
  canvas.addEventListener("pointerleave", () => { root.state[key] = null; moved(); });
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
  const picked = d.net.diagram.selected; // the neuron open in the Neuron tab: its value here too
  if (picked && picked[0] > 0 && outputs[picked[0] - 1]) {
    const units = d.net.layers[picked[0] - 1].units, a = outputs[picked[0] - 1][p / k * units + picked[1]];
    lines.push(`${d.net.diagram.columns[picked[0]].labels[picked[1]]}: a = ${number(a)}`);
  }
  tip.textContent = lines.join("\n");
  tip.style.display = "block";
  const plane = root.querySelector(".plane");
  tip.style.left = plane.offsetLeft + Math.min(h.x + 14, box.m + box.w - 120) + "px";
  tip.style.top = plane.offsetTop + h.y + 14 + "px";
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
  if (!root.state.box) return; // hovered before the first frame
  const width = root.state.box.curvesWidth, height = root.state.box.curvesHeight;
  const ctx = sized(root.querySelector(".curves"), width, height);
  const box = { x: 62, w: width - 72 };
  const half = (height - 40) / 2;
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
  epochAxis(ctx, box, scorePanel.first, scorePanel.last, height - 4, epochs.length > 0);
  markEpochs(ctx, d.marks.filter((mark) => mark.epoch <= root.state.epoch), top, bottom, scorePanel);
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
    const curves = root.querySelector(".curves");
    tip.style.left = Math.min(root.state.hover.x + 16, width - 160) + curves.offsetLeft + "px";
    tip.style.top = curves.offsetTop + 30 + "px";
  } else {
    tip.style.display = "none";
  }
}

// A dashed line across both panels at each marked epoch (early stopping's restored weights), labelled.
function markEpochs(ctx, marks, top, bottom, range) {
  for (const mark of marks) {
    const x = top.x + ((mark.epoch - range.first) / Math.max(range.last - range.first, 1)) * top.w;
    ctx.save();
    ctx.strokeStyle = "#2a9d5c";
    ctx.lineWidth = 1.5;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x, top.y);
    ctx.lineTo(x, bottom.y + bottom.h);
    ctx.stroke();
    const width = ctx.measureText(mark.label).width, left = x > top.x + top.w / 2 ? x - 4 - width : x + 4;
    ctx.fillStyle = "rgba(255,255,255,0.9)";
    ctx.fillRect(left - 2, top.y + 2, width + 4, 14);
    ctx.fillStyle = "#1e7a46";
    ctx.textAlign = "left";
    ctx.fillText(mark.label, left, top.y + 13);
    ctx.restore();
  }
}

// --- the point tool: draw and erase points on the plane ------------------------------------------------------
// A label's button draws that class (or regression target) by click or drag; the eraser, or a shift- or
// alt-click while drawing, removes the nearest point. The view shows the edit at once and sends the whole set
// (["points", [[x1, x2, label], ...]]), so a click the server had no time for is made good by the next.
const DRAW_STEP = 0.3, ERASE_REACH = 0.6; // plane units: between painted points; how near an erased one is

function placeTools(root) {
  const s = root.state, bar = root.querySelector(".draw"), drawing = s.data.drawing, plane = root.querySelector(".plane");
  const key = JSON.stringify([drawing && drawing.labels, drawing && drawing.free, s.tool, s.planeBox && s.planeBox.w]);
  if (bar.dataset.key === key) return;
  bar.dataset.key = key;
  bar.replaceChildren();
  bar.style.display = drawing ? "" : "none";
  if (!drawing) return;
  const { m, w } = s.planeBox;
  bar.style.left = plane.offsetLeft + m + w - 4 + "px";
  bar.style.top = plane.offsetTop + 12 + "px";
  const colours = s.data.points[0].colours;
  drawing.labels.forEach((label) => {
    const b = toolButton(root, label, drawing.kind === "regression" ? `Draw points with target ${label}` :
      `Draw class ${label} points: click or drag on the plane`, !drawing.free);
    b.style.background = colours[labelColour(drawing.kind, label, colours.length)];
    bar.append(b);
  });
  const eraser = toolButton(root, "erase", "Erase: click a point (or shift-click while drawing)", !drawing.free);
  eraser.textContent = "⌫";
  const clear = document.createElement("button");
  clear.textContent = "∅";
  clear.title = `Start from an empty plane (training takes the drawing from ${drawing.min} points on)`;
  clear.setAttribute("aria-label", clear.title);
  clear.dataset.tool = "clear";
  clear.disabled = !drawing.free;
  clear.addEventListener("click", () => {
    s.drawn = { points: [], at: Date.now(), local: true };
    if (s.tool === null || s.tool === "erase") s.tool = drawing.labels[0];
    drawPlane(root);
  });
  bar.append(eraser, clear);
  plane.style.touchAction = s.tool === null ? "" : "none"; // a drag draws instead of scrolling the page
}

function toolButton(root, tool, title, disabled) {
  const b = document.createElement("button"), s = root.state;
  b.dataset.tool = String(tool);
  b.title = title;
  b.setAttribute("aria-label", title);
  b.disabled = disabled;
  b.className = s.tool === tool ? "on" : "";
  b.addEventListener("click", () => { s.tool = s.tool === tool ? null : tool; drawPlane(root); });
  return b;
}

function labelColour(kind, label, steps) {
  return kind === "regression" ? Math.round(((label + 1) / 2) * (steps - 1)) : label;
}

// The pending set as drawPoints takes it: every point with the training set's outline.
function drawnSet(d, points) {
  const colours = d.points[0].colours, kind = d.drawing.kind;
  return { x: points.map((p) => p[0]), y: points.map((p) => p[1]), outline: d.points[0].outline, colours,
           c: points.map((p) => labelColour(kind, p[2], colours.length)) };
}

// The same points, in any order (the server lists the training points first, then the test points).
function sameSet(a, b) {
  const key = (points) => points.map((p) => p.join(",")).sort().join(";");
  return a.length === b.length && key(a) === key(b);
}

function listenDrawing(root) {
  const canvas = root.querySelector(".plane"), s = root.state;
  let stroke = null;
  const at = (e) => {
    const r = canvas.getBoundingClientRect(), { m, w, lo, hi } = s.planeBox, span = hi - lo;
    const fx = (e.clientX - r.left - m) / w, fy = (e.clientY - r.top - 8) / w;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return null;
    return [snap(lo + fx * span), snap(hi - fy * span)];
  };
  const edit = (e) => {
    const p = at(e);
    if (!p) return;
    const erase = s.tool === "erase" || e.shiftKey || e.altKey;
    if (!erase && stroke.last && Math.hypot(p[0] - stroke.last[0], p[1] - stroke.last[1]) < DRAW_STEP) return;
    if (erase) eraseNearest(stroke.points, p);
    else if (stroke.points.length < s.data.drawing.max) { stroke.points.push([p[0], p[1], s.tool]); stroke.last = p; }
    s.drawn = { points: stroke.points, at: Date.now() };
    drawPlane(root);
  };
  canvas.addEventListener("pointerdown", (e) => {
    if (s.tool === null || !s.data.drawing || !s.data.drawing.free) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    const base = s.drawn ? s.drawn.points : s.data.drawing.points;
    stroke = { points: base.map(([x, y, label]) => [snap(x), snap(y), label]), last: null };
    edit(e);
  });
  canvas.addEventListener("pointermove", (e) => { if (stroke) edit(e); });
  const end = () => {
    if (!stroke) return;
    const enough = stroke.points.length >= s.data.drawing.min; // fewer: kept here until there are enough
    s.drawn = { points: stroke.points, at: Date.now(), local: !enough };
    stroke = null;
    if (enough) s.act("action", ["points", s.drawn.points]);
    drawPlane(root);
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
}

// ui/core/data/drawn.py:snap: the 0.05 grid a link carries exactly.
function snap(v) {
  return Math.round(v * 20) / 20;
}

function eraseNearest(points, [x, y]) {
  let best = -1, reach = ERASE_REACH;
  points.forEach((p, i) => { const d = Math.hypot(p[0] - x, p[1] - y); if (d < reach) { reach = d; best = i; } });
  if (best >= 0) points.splice(best, 1);
}
