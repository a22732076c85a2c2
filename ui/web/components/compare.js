// The Compare page's live view: the epoch heading, every run's output over the input plane, side by side,
// their loss and score curves overlaid (one colour per run; solid = train, dashed = test) and the results
// table. Canvases stay mounted, so a frame only repaints. `data` comes from
// ui/render/experiment_charts.py:compare_frame_payload: one moment of every run, drawn all at once.
export default function (component) {
  const { parentElement } = component;
  const data = viewData(component);
  const [root, created] = viewRoot(parentElement, "nnpg-cmp",
    '<h4 class="epoch"></h4><canvas class="planes"></canvas><canvas class="curves"></canvas><div class="tip"></div>' +
    '<table class="results"><thead></thead><tbody></tbody></table><p class="note"></p>',
    { images: [], data: null, hover: null, latest: 0 }, ".curves", drawCurves);
  if (created) {
    new ResizeObserver(() => { if (root.state.data) { drawPlanes(root); drawCurves(root); } }).observe(root);
  }
  // Nothing changes on screen until every boundary image of this payload has decoded; then the heading,
  // planes, curves and table repaint together, so they never show two different epochs.
  const ticket = ++root.state.latest;
  Promise.all(data.runs.map((run, i) => imageFor(root.state.images[i], run.image))).then((images) => {
    if (ticket !== root.state.latest) return; // a newer payload arrived meanwhile: it is drawn instead
    root.state.data = data;
    root.state.images = images;
    drawAll(root);
    window.nnpgCompareFrames = (window.nnpgCompareFrames || 0) + 1; // read by the browser tests
  });
}

function imageFor(current, uri) {
  if (current && current.src === uri) return Promise.resolve(current);
  const img = new Image();
  img.src = uri;
  return img.decode().then(() => img, () => img);
}

function drawAll(root) {
  const d = root.state.data;
  root.querySelector(".epoch").textContent = `Epoch ${d.epoch.toLocaleString("en-US")}`;
  drawPlanes(root);
  drawCurves(root);
  drawTable(root);
}

function drawTable(root) {
  const { columns, numeric, rows, note } = root.state.data.table;
  const cell = (tag, text, k) => {
    const el = document.createElement(tag);
    el.textContent = text;
    if (numeric[k]) el.className = "num";
    return el;
  };
  const head = document.createElement("tr");
  head.append(...columns.map((name, k) => cell("th", name, k)));
  root.querySelector(".results thead").replaceChildren(head);
  root.querySelector(".results tbody").replaceChildren(...rows.map((cells, i) => {
    const tr = document.createElement("tr");
    tr.append(...cells.map((text, k) => cell("td", text, k)));
    const run = root.state.data.runs[i];
    if (run) tr.firstChild.style.borderLeft = `4px solid ${run.colour}`;
    return tr;
  }));
  root.querySelector(".note").textContent = note;
}

function widthOf(root) {
  return Math.max(root.clientWidth || root.parentNode.clientWidth || 800, 320);
}

function drawPlanes(root) {
  const d = root.state.data;
  const n = d.runs.length, gap = 14, total = widthOf(root);
  const side = Math.min(d.plane_size, Math.floor((total - gap * (n - 1)) / n));
  const head = 34;
  const ctx = sized(root.querySelector(".planes"), total, side + head);
  const [lo, hi] = d.domain;
  d.runs.forEach((run, i) => {
    const x0 = i * (side + gap), y0 = head;
    ctx.fillStyle = run.colour;
    ctx.fillRect(x0, 4, 10, 10);
    ctx.fillStyle = "#222";
    ctx.textAlign = "left";
    ctx.font = "bold " + FONT;
    ctx.fillText(`Run ${run.name}`, x0 + 14, 13);
    ctx.font = FONT;
    ctx.fillStyle = run.diverged ? "#d1495b" : MUTED;
    ctx.fillText(fit(ctx, run.title, side - 4), x0, 28);
    const img = root.state.images[i];
    if (img) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(img, x0, y0, side, side);
    }
    const px = (v) => x0 + ((v - lo) / (hi - lo)) * side;
    const py = (v) => y0 + ((hi - v) / (hi - lo)) * side;
    drawPoints(ctx, d.points, px, py, side < 200 ? 2.2 : 3, 0.8);
    ctx.strokeStyle = run.colour;
    ctx.lineWidth = 2;
    ctx.strokeRect(x0 + 1, y0 + 1, side - 2, side - 2);
  });
}

function fit(ctx, text, width) {
  if (ctx.measureText(text).width <= width) return text;
  let t = text;
  while (t.length > 1 && ctx.measureText(t + "…").width > width) t = t.slice(0, -1);
  return t + "…";
}

// One curve panel; `opts.log` a log axis, `opts.score` a score axis (top at 1, floor at SCORE_FLOOR), so a
// diverged run's R² of -1e285 leaves the other runs readable. Says so in the panel when it cannot show
// everything. Returns the panel's range and note, for the tests.
function panel(ctx, box, d, key, opts, hoverIndex) {
  const { x, y, w, h } = box;
  const series = d.series.filter((s) => s.panel === key);
  const all = series.flatMap((s) => s.values);
  const score = opts.score ? scoreRange(all) : null;
  // a diverged run's loss (1e278, say) would flatten every other curve: the axis fits the runs still training
  const gone = new Set(d.runs.filter((r) => r.diverged).map((r) => r.name));
  const fitted = series.some((s) => !gone.has(s.run)) ? series.filter((s) => !gone.has(s.run)) : series;
  const shown = fitted.flatMap((s) => s.values).concat(opts.target ? [opts.target] : []);
  const [lo, hi] = score ? score.range : niceRange(shown, opts.log);
  const above = !score && all.some((v) => v !== null && isFinite(v) && (opts.log ? Math.log10(v) : v) > hi);
  const epochs = d.epochs;
  const first = epochs.length ? epochs[0] : 0, last = epochs.length ? epochs[epochs.length - 1] : 1;
  const { sx, sy } = plotFrame(ctx, box, first, last, lo, hi, opts.log);
  ctx.textAlign = "left";
  ctx.fillText(opts.title, x + 4, y - 6);
  if (opts.target) {
    ctx.strokeStyle = "#888";
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x, sy(opts.target));
    ctx.lineTo(x + w, sy(opts.target));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.textAlign = "right";
    ctx.fillText(`target ${opts.target}`, x + w - 4, sy(opts.target) - 4);
  }
  strokeSeries(ctx, series, epochs, sx, sy, opts.log, box);
  const note = panelMessage(all, opts.log, score) || (above ? ABOVE_NOTE : null);
  if (note === ABOVE_NOTE) { // said where it happens, clear of the low end where the losses settle
    ctx.fillStyle = MUTED;
    ctx.textAlign = "right";
    ctx.fillText(note, x + w - 6, y + 14);
  } else if (note) {
    panelNote(ctx, box, note);
  }
  if (hoverIndex !== null && epochs.length) {
    ctx.strokeStyle = "#888";
    ctx.beginPath();
    ctx.moveTo(sx(epochs[hoverIndex]), y);
    ctx.lineTo(sx(epochs[hoverIndex]), y + h);
    ctx.stroke();
  }
  epochAxis(ctx, box, first, last, y + h + 14, epochs.length > 0);
  return { first, last, range: [lo, hi], note };
}

const ABOVE_NOTE = "diverged runs leave the chart at the top";

function drawCurves(root) {
  const d = root.state.data;
  const width = widthOf(root), height = d.curves_height;
  const ctx = sized(root.querySelector(".curves"), width, height);
  const half = Math.floor((width - 40) / 2);
  const top = 40, h = height - top - 26;
  const left = { x: 52, y: top, w: half - 60, h }, right = { x: half + 92, y: top, w: width - half - 100, h };
  let hoverIndex = null;
  const epochs = d.epochs;
  root.dataset.curvesEpoch = epochs.length ? epochs[epochs.length - 1] : 0; // the last epoch drawn, for tests
  const hv = root.state.hover;
  if (hv && epochs.length) {
    const box = hv.x < half + 40 ? left : right;
    const fx = Math.min(Math.max((hv.x - box.x) / box.w, 0), 1);
    const target = epochs[0] + fx * (epochs[epochs.length - 1] - epochs[0]);
    hoverIndex = epochs.reduce((best, e, i) => (Math.abs(e - target) < Math.abs(epochs[best] - target) ? i : best), 0);
  }
  // legend: one entry per run, then what solid and dashed mean
  let lx = 4;
  ctx.textAlign = "left";
  for (const run of d.runs) {
    ctx.fillStyle = run.colour;
    ctx.fillRect(lx, 6, 16, 3);
    ctx.fillStyle = "#222";
    ctx.fillText(`Run ${run.name}`, lx + 20, 12);
    lx += ctx.measureText(`Run ${run.name}`).width + 36;
  }
  ctx.fillStyle = MUTED;
  ctx.fillText("━ train   ╍ test", lx + 8, 12);
  root.state.panels = { // what the axes show, read by the browser tests
    loss: panel(ctx, left, d, "loss", { log: d.log_loss, title: d.log_loss ? "loss (log scale)" : "loss",
      target: d.target }, hoverIndex),
    score: panel(ctx, right, d, "score", { title: d.score_label, score: true }, hoverIndex),
  };
  const tip = root.querySelector(".tip");
  if (hoverIndex !== null) {
    const lines = [`epoch ${epochs[hoverIndex]}`].concat(d.series.map(
      (s) => `${s.name}: ${s.values[hoverIndex] === null ? "–" : Number(s.values[hoverIndex]).toPrecision(4)}`));
    tip.textContent = lines.join("\n");
    tip.style.display = "block";
    const curves = root.querySelector(".curves");
    tip.style.left = Math.min(hv.x + 16, width - 200) + "px";
    tip.style.top = curves.offsetTop + 30 + "px";
  } else {
    tip.style.display = "none";
  }
}
