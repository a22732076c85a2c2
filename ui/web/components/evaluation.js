// The live view's evaluation panel, under the network. Classification: the confusion matrix of the frame on
// screen, on the test or the training points, with each class's precision and recall. Its counts come from
// nnlib's predictions, packed in each frame (ui/core/run.py:PlaygroundRun.evaluation), never from this
// script's forward pass on rounded coordinates, so they agree with the accuracy in the bar. A click on a cell
// marks exactly those points on the plane; a second click, or another split, clears it. Regression: nnlib's
// RMSE, MAE and R² from the frame, and each point's prediction against its target.

// ui/core/training/evaluation.py:pack_labels, undone: bit plane b holds bit b of every label.
function unpackLabels(b64, n, bits) {
  const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), perPlane = Math.ceil(n / 8);
  const labels = new Int32Array(n);
  for (let b = 0; b < bits; b++) {
    for (let i = 0; i < n; i++) {
      if (raw[b * perPlane + (i >> 3)] & (128 >> (i & 7))) labels[i] |= 1 << b;
    }
  }
  return labels;
}

// The split's points as the point tool lists them (training points first, then test): [[x1, x2, label], ...].
function splitPoints(d, split) {
  const ev = d.evaluation, all = d.drawing ? d.drawing.points : [];
  return split === "train" ? all.slice(0, ev.n_train) : all.slice(ev.n_train, ev.n_train + ev.n_test);
}

// {counts[true][predicted], truth, predicted} of the frame on screen, on `split`.
function confusion(s, split) {
  const ev = s.data.evaluation, n = split === "train" ? ev.n_train : ev.n_test, k = ev.classes.length;
  const truth = unpackLabels(ev.truth[split], n, ev.bits), predicted = unpackLabels(s.eval[split], n, ev.bits);
  const counts = Array.from({ length: k }, () => new Array(k).fill(0));
  for (let i = 0; i < n; i++) counts[truth[i]][predicted[i]] += 1;
  return { counts, truth, predicted };
}

// The panel's height in the wide layout, so the diagram above leaves room for it.
function evaluationHeight(d) {
  const ev = d.evaluation;
  if (!ev) return 0;
  return ev.kind === "regression" ? 190 : 34 + (ev.classes.length + 2) * 21;
}

function drawEvaluation(root) {
  const s = root.state, ev = s.data.evaluation, panel = root.querySelector(".eval");
  if (!ev || !s.eval) { panel.replaceChildren(); return; }
  s.split = s.split || "test";
  if (ev.kind === "regression") drawResiduals(root, panel);
  else drawConfusion(root, panel);
}

function splitButtons(root, title) {
  const s = root.state, head = document.createElement("div");
  head.className = "evhead";
  const b = document.createElement("b");
  b.textContent = title;
  head.append(b);
  for (const split of ["test", "train"]) {
    const button = document.createElement("button");
    button.textContent = split === "test" ? "Test" : "Train";
    button.dataset.split = split;
    button.className = s.split === split ? "on" : "";
    button.title = `On the ${split === "test" ? "test" : "training"} points`;
    button.addEventListener("click", () => {
      s.split = split;
      s.cell = null;
      s.evalKey = null;
      drawEvaluation(root);
      drawPlane(root);
    });
    head.append(button);
  }
  return head;
}

// The table is built once per classes and split; a frame only changes its numbers and shading.
function drawConfusion(root, panel) {
  const s = root.state, ev = s.data.evaluation, k = ev.classes.length;
  const key = JSON.stringify([ev.classes, s.split]);
  if (s.evalKey !== key) {
    s.evalKey = key;
    panel.replaceChildren(splitButtons(root, "Confusion matrix"), confusionTable(root, ev.classes));
  }
  const { counts } = confusion(s, s.split);
  const colTotals = counts[0].map((_, j) => counts.reduce((sum, row) => sum + row[j], 0));
  const table = panel.querySelector("table");
  counts.forEach((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    row.forEach((n, j) => {
      const cell = table.querySelector(`td[data-cell="${i},${j}"]`), share = rowTotal ? n / rowTotal : 0;
      cell.textContent = String(n);
      cell.style.background = shade(i === j ? "#2a9d5c" : "#d1495b", share);
      cell.classList.toggle("picked", !!s.cell && s.cell[0] === i && s.cell[1] === j);
    });
    table.querySelector(`td[data-recall="${i}"]`).textContent = ratio(row[i], rowTotal);
  });
  colTotals.forEach((total, j) => { table.querySelector(`td[data-precision="${j}"]`).textContent = ratio(counts[j][j], total); });
}

function confusionTable(root, classes) {
  const table = document.createElement("table"), k = classes.length;
  table.className = "cm";
  const row = (cells) => { const tr = document.createElement("tr"); tr.append(...cells); table.append(tr); return tr; };
  const th = (text, title) => { const c = document.createElement("th"); c.textContent = text; if (title) c.title = title; return c; };
  const td = (attrs) => { const c = document.createElement("td"); Object.assign(c.dataset, attrs); return c; };
  row([th("true ↓ predicted →"), ...classes.map((c) => th(c)), th("recall", "Of the points of this class, the share predicted as it")]);
  classes.forEach((name, i) => {
    row([th(name), ...classes.map((_, j) => {
      const cell = td({ cell: `${i},${j}` });
      cell.title = `True ${name}, predicted ${classes[j]}: click to mark these points on the plane`;
      cell.setAttribute("role", "button");
      return cell;
    }), td({ recall: String(i) })]);
  });
  row([th("precision", "Of the points predicted as this class, the share that are of it"),
    ...classes.map((_, j) => td({ precision: String(j) })), th("")]);
  table.addEventListener("click", (e) => {
    const cell = e.target.closest("td[data-cell]");
    if (!cell) return;
    const [i, j] = cell.dataset.cell.split(",").map(Number), s = root.state;
    s.cell = s.cell && s.cell[0] === i && s.cell[1] === j ? null : [i, j];
    drawEvaluation(root);
    drawPlane(root);
  });
  return table;
}

function ratio(top, bottom) {
  return bottom ? (top / bottom).toFixed(3) : "–";
}

function shade(hex, share) {
  const alpha = Math.round(Math.min(Math.max(share, 0), 1) * 0.55 * 255).toString(16).padStart(2, "0");
  return hex + alpha;
}

// The points of the picked cell, on the split shown: {x, y, c, n} for drawPoints, or null.
function markedPoints(s) {
  const ev = s.data.evaluation;
  if (!s.cell || !s.eval || !ev || ev.kind === "regression" || s.drawn) return null;
  if (Math.max(...s.cell) >= ev.classes.length) { s.cell = null; return null; } // the classes changed
  const { truth, predicted } = confusion(s, s.split), points = splitPoints(s.data, s.split);
  const picked = points.filter((_, i) => truth[i] === s.cell[0] && predicted[i] === s.cell[1]);
  s.marked = picked.map((p) => [p[0], p[1]]); // what is ringed on the plane, read by the browser tests
  return { x: picked.map((p) => p[0]), y: picked.map((p) => p[1]), c: picked.map((p) => p[2]),
           colours: s.data.evaluation.colours, outline: "#111111" };
}

// Plane markings for the picked cell: each point ringed, and a line saying what is marked.
function drawMarked(root, ctx, px, py, radius) {
  const s = root.state, set = markedPoints(s);
  if (!set) return;
  drawPoints(ctx, [set], px, py, radius, 1);
  ctx.strokeStyle = "#111";
  ctx.lineWidth = 2;
  for (let i = 0; i < set.x.length; i++) {
    ctx.beginPath();
    ctx.arc(px(set.x[i]), py(set.y[i]), radius + 5, 0, 2 * Math.PI);
    ctx.stroke();
  }
  const classes = s.data.evaluation.classes, { m, w } = s.planeBox;
  labelled(ctx, `${set.x.length} ${s.split} point${set.x.length === 1 ? "" : "s"}: true ${classes[s.cell[0]]}, ` +
    `predicted ${classes[s.cell[1]]}`, m + 6, 8 + w - 8);
}

// Text on a white box, readable over the plane's colours and its points.
function labelled(ctx, text, x, y) {
  const width = ctx.measureText(text).width;
  ctx.fillStyle = "rgba(255,255,255,0.9)";
  ctx.fillRect(x - 3, y - 11, width + 6, 15);
  ctx.fillStyle = "#111";
  ctx.textAlign = "left";
  ctx.fillText(text, x, y);
}

// Regression: the frame's RMSE, MAE and R² (nnlib's), and prediction against target for each point.
function drawResiduals(root, panel) {
  const s = root.state, key = JSON.stringify(["regression", s.split]);
  if (s.evalKey !== key) {
    s.evalKey = key;
    const numbers = document.createElement("div");
    numbers.className = "evnumbers";
    const canvas = document.createElement("canvas");
    canvas.className = "residuals";
    panel.replaceChildren(splitButtons(root, "Predicted against true"), numbers, canvas);
  }
  const scores = s.eval[s.split], shown = (v) => (v === null ? "–" : v.toFixed(4));
  panel.querySelector(".evnumbers").textContent =
    `RMSE ${shown(scores.rmse)} · MAE ${shown(scores.mae)} · R² ${shown(scores.r2)}`;
  const points = splitPoints(s.data, s.split), out = forwardPoints(s.data.net, s.params, points);
  const truth = points.map((p) => p[2]), predicted = Array.from(out);
  const size = 150, m = 30, w = size - m - 8, ctx = sized(panel.querySelector(".residuals"), size, size);
  const [lo, hi] = niceRange(truth.concat(predicted.filter(Number.isFinite)).concat([-1, 1]), false);
  const sx = (v) => m + ((v - lo) / (hi - lo)) * w, sy = (v) => 8 + ((hi - v) / (hi - lo)) * w;
  ctx.strokeStyle = "#999";
  ctx.strokeRect(m, 8, w, w);
  ctx.beginPath();
  ctx.moveTo(sx(lo), sy(lo));
  ctx.lineTo(sx(hi), sy(hi));
  ctx.stroke();
  ctx.fillStyle = "rgba(31,59,87,0.6)";
  truth.forEach((t, i) => { if (Number.isFinite(predicted[i])) ctx.fillRect(sx(t) - 1.5, sy(predicted[i]) - 1.5, 3, 3); });
  ctx.fillStyle = MUTED;
  ctx.textAlign = "center";
  ctx.fillText("true", m + w / 2, size - 1);
  ctx.save();
  ctx.translate(10, 8 + w / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText("predicted", 0, 0);
  ctx.restore();
}
