// "Inside the network": the network diagram on one canvas, and the inspected neuron's big heatmap on a
// second. `data` comes from ui/render/network_view.py:diagram_payload. Node heatmaps arrive as ONE PNG of
// value levels (node k in channel k % 3 of slot k // 3), coloured here with the payload's lookup table.
// Hover shows exact values; a click on a neuron sends the trigger "pick" = [column, row]. While training
// plays, most frames bring {keep: true} instead of a payload: the picture stays as it is.
export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const data = viewData(component);
  const [root, created] = viewRoot(parentElement, "nnpg-net",
    '<div class="row"><canvas class="diagram"></canvas><canvas class="large"></canvas></div>' +
      '<div class="legend"><span class="lo"></span><span class="bar"></span><span class="hi"></span>' +
      '<span class="ends"></span><div class="text"></div></div>' +
      '<div class="tip"></div>',
    { frame: null, tiles: [], hover: null, nodes: [], links: [], large: null }, ".diagram", showTip);
  if (created) {
    root.querySelector(".diagram").addEventListener("click", () => {
      const node = nodeAt(root);
      if (node && node.c > 0 && root.state.pick) root.state.pick("pick", [node.c, node.r]);
    });
    new ResizeObserver(() => { if (root.state.data) paint(root); }).observe(root);
  }
  root.state.pick = setTriggerValue;
  // {keep: true} between redraws while training plays, or the same frame sent again: nothing to repaint
  if (!data || data.keep || data.frame === root.state.frame) return;
  root.state.frame = data.frame;
  root.state.data = data;
  const img = new Image();
  img.onload = () => {
    if (root.state.data !== data) return; // a newer frame arrived meanwhile
    decodeTiles(root, img, data);
    paint(root);
    window.nnpgNetworkFrames = (window.nnpgNetworkFrames || 0) + 1; // read by the tests and the bench
  };
  img.src = data.image;
  if (data.large) {
    const big = new Image();
    big.onload = () => { root.state.large = big; if (root.state.data === data) paintLarge(root); };
    big.src = data.large.image;
  } else {
    root.state.large = null;
  }
}

// A weight, bias or range that is NaN arrives as null: grey in the diagram, "no value" in words.
const NO_VALUE = "#999";
function valueText(v) {
  return v === null ? "no value (NaN)" : String(v);
}

function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

// The level maps -> one small canvas per node, coloured by its column's lookup table.
function decodeTiles(root, img, d) {
  const res = d.resolution, L = d.levels;
  const scratch = document.createElement("canvas");
  scratch.width = img.width;
  scratch.height = img.height;
  const sctx = scratch.getContext("2d", { willReadFrequently: true });
  sctx.drawImage(img, 0, 0);
  const px = sctx.getImageData(0, 0, img.width, img.height).data;
  const lut = d.lut.map(rgb), classes = d.class_colours.map(rgb);
  let k = 0;
  root.state.tiles = d.columns.map((col) => col.labels.map((_, r) => {
    const multi = col.kind === "output" && d.output_kind === "multiclass";
    const tile = document.createElement("canvas");
    tile.width = tile.height = res;
    const tctx = tile.getContext("2d");
    const out = tctx.createImageData(res, res);
    const slot = Math.floor(k / 3), ch = k % 3;
    for (let i = 0; i < res * res; i++) {
      const level = px[((slot * res * res) + i) * 4 + ch];
      let c;
      if (multi) {
        const p = Math.max(0, level - L) / L, cc = classes[r % classes.length];
        c = [255 + (cc[0] - 255) * p, 255 + (cc[1] - 255) * p, 255 + (cc[2] - 255) * p];
      } else {
        c = lut[Math.min(level, lut.length - 1)];
      }
      out.data[i * 4] = c[0]; out.data[i * 4 + 1] = c[1]; out.data[i * 4 + 2] = c[2]; out.data[i * 4 + 3] = 255;
    }
    tctx.putImageData(out, 0, 0);
    k++;
    return tile;
  }));
}

function layout(root) {
  const d = root.state.data;
  const total = Math.max(root.clientWidth || root.parentNode.clientWidth || 900, 520);
  const largeWidth = d.large ? Math.min(280, Math.floor(total * 0.3)) : 0;
  const width = total - largeWidth - (largeWidth ? 16 : 0);
  const maxUnits = Math.max(...d.columns.map((c) => c.labels.length));
  const pitch = Math.max(30, Math.min(76, Math.floor(560 / maxUnits)));
  const left = 64, right = 16, top = 40;
  const n = d.columns.length;
  const gapX = (width - left - right) / Math.max(n - 1, 1);
  const size = Math.floor(Math.min(pitch * 0.72, gapX * 0.42, 60));
  const height = top + maxUnits * pitch + 6;
  const xs = d.columns.map((_, c) => left + size / 2 + c * ((width - left - right - size) / Math.max(n - 1, 1)));
  const byColumn = d.columns.map((col, c) => {
    const offset = top + ((maxUnits - col.labels.length) * pitch) / 2;
    return col.labels.map((label, r) => ({ c, r, x: xs[c], y: offset + r * pitch + (pitch - 6) / 2, label }));
  });
  return { width, height, size, xs, byColumn, nodes: byColumn.flat(), largeWidth };
}

function paint(root) {
  const d = root.state.data;
  const lay = layout(root);
  root.state.layout = lay;
  const ctx = sized(root.querySelector(".diagram"), lay.width, lay.height);
  const s = lay.size, neg = d.lut[0], pos = d.lut[d.lut.length - 1];
  // links, weakest first so the strong ones stay on top
  const links = [];
  d.weights.forEach((W, c) => {
    W.forEach((row, i) => row.forEach((w, j) => {
      const a = lay.byColumn[c][i], b = lay.byColumn[c + 1][j];
      links.push({ c, i, j, w, x1: a.x + s / 2, y1: a.y, x2: b.x - s / 2, y2: b.y });
    }));
  });
  links.sort((p, q) => Math.abs(p.w) - Math.abs(q.w));
  for (const l of links) {
    const t = Math.min(Math.abs(l.w) / d.wmax, 1); // a NaN weight (null) is a thin grey line
    ctx.strokeStyle = l.w === null ? NO_VALUE : l.w >= 0 ? pos : neg;
    ctx.globalAlpha = 0.12 + 0.78 * t;
    ctx.lineWidth = 0.4 + 3.6 * t;
    ctx.beginPath();
    ctx.moveTo(l.x1, l.y1);
    ctx.lineTo(l.x2, l.y2);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  root.state.links = links;
  // nodes: heatmap, frame, bias bar
  ctx.imageSmoothingEnabled = true;
  for (const n of lay.nodes) {
    const tile = root.state.tiles[n.c] && root.state.tiles[n.c][n.r];
    if (tile) ctx.drawImage(tile, n.x - s / 2, n.y - s / 2, s, s);
    const chosen = d.selected && d.selected[0] === n.c && d.selected[1] === n.r;
    ctx.lineWidth = chosen ? 3 : 1;
    ctx.strokeStyle = chosen ? "#111" : "#888";
    ctx.strokeRect(n.x - s / 2, n.y - s / 2, s, s);
    const bias = d.columns[n.c].bias;
    if (bias && bias[n.r] !== null) {
      const b = bias[n.r], t = Math.min(Math.abs(b) / d.bmax, 1), y = n.y + s / 2 + 2;
      ctx.fillStyle = "#bbb";
      ctx.fillRect(n.x - 0.5, y - 1, 1, 5);
      ctx.fillStyle = b >= 0 ? pos : neg;
      const w = (s / 2) * t;
      ctx.fillRect(b >= 0 ? n.x : n.x - w, y, w, 3);
    }
  }
  // titles and input labels
  ctx.fillStyle = "#222";
  ctx.textAlign = "center";
  d.columns.forEach((col, c) => {
    ctx.font = "bold 12px sans-serif";
    ctx.fillText(col.title, lay.xs[c], 14);
    ctx.font = FONT;
    ctx.fillStyle = MUTED;
    ctx.fillText(col.subtitle, lay.xs[c], 29);
    ctx.fillStyle = "#222";
  });
  ctx.textAlign = "right";
  ctx.font = (s < 28 ? "10px" : "12px") + " sans-serif";
  for (const n of lay.nodes.filter((n) => n.c === 0)) ctx.fillText(n.label, n.x - s / 2 - 5, n.y + 4);
  paintLegend(root);
  paintLarge(root);
  showTip(root);
}

// The colour bar in words: its ends are the weights' sign colours (links and bias bars); with hidden
// layers the same colours also give a hidden neuron's activation, on the shared scale ±d.scale.
function paintLegend(root) {
  const d = root.state.data;
  root.querySelector(".legend .bar").style.background = "linear-gradient(to right, " + d.lut.join(", ") + ")";
  root.querySelector(".legend .lo").textContent = "negative weight";
  root.querySelector(".legend .hi").textContent = "positive weight";
  const hidden = d.columns.some((c) => c.kind === "hidden");
  root.querySelector(".legend .ends").textContent = hidden
    ? `hidden activation: −${d.scale} at the orange end, 0 in the middle, +${d.scale} at the blue end` : "";
  root.querySelector(".legend .text").textContent = d.legend.join("\n");
}

function paintLarge(root) {
  const d = root.state.data, lay = root.state.layout;
  const canvas = root.querySelector(".large");
  if (!d.large || !lay) { canvas.style.display = "none"; return; }
  canvas.style.display = "block";
  const w = lay.largeWidth, m = 26, side = w - m - 6;
  const ctx = sized(canvas, w, side + 78);
  ctx.fillStyle = "#222";
  ctx.font = "bold 12px sans-serif";
  ctx.fillText(d.large.title, 0, 14);
  if (root.state.large) {
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(root.state.large, m, 22, side, side);
  }
  ctx.strokeStyle = "#999";
  ctx.lineWidth = 1;
  ctx.strokeRect(m, 22, side, side);
  ctx.font = FONT;
  ctx.fillStyle = MUTED;
  ctx.textAlign = "center";
  for (const t of [-6, 0, 6]) ctx.fillText(String(t), m + ((t + 6) / 12) * side, 22 + side + 14);
  ctx.textAlign = "right";
  for (const t of [-6, 0, 6]) ctx.fillText(String(t), m - 4, 22 + ((6 - t) / 12) * side + 4);
  ctx.textAlign = "left";
  ctx.fillText(`X₁ → · X₂ ↑   min ${d.large.min}, max ${d.large.max}`, 0, 22 + side + 32);
  ctx.fillText(d.large.note || "", 0, 22 + side + 50);
}

function nodeAt(root) {
  const h = root.state.hover, lay = root.state.layout;
  if (!h || !lay) return null;
  const s = lay.size;
  return lay.nodes.find((n) => Math.abs(h.x - n.x) <= s / 2 + 2 && Math.abs(h.y - n.y) <= s / 2 + 6) || null;
}

function linkAt(root) {
  const h = root.state.hover;
  if (!h) return null;
  let best = null, bestDist = 5;
  for (const l of root.state.links) {
    const dx = l.x2 - l.x1, dy = l.y2 - l.y1;
    const t = Math.max(0, Math.min(1, ((h.x - l.x1) * dx + (h.y - l.y1) * dy) / (dx * dx + dy * dy)));
    const dist = Math.hypot(h.x - (l.x1 + t * dx), h.y - (l.y1 + t * dy));
    if (dist < bestDist) { best = l; bestDist = dist; }
  }
  return best;
}

function showTip(root) {
  const tip = root.querySelector(".tip"), d = root.state.data;
  const n = nodeAt(root);
  let lines = null;
  if (n) {
    const col = d.columns[n.c], range = col.range[n.r];
    lines = [n.label + (col.kind === "input" ? " (input)" : ""),
      `over the plane: ${valueText(range[0])} … ${valueText(range[1])}`];
    if (col.bias) lines.push(`bias = ${valueText(col.bias[n.r])}`);
    if (n.c > 0) lines.push("click to inspect");
  } else {
    const l = linkAt(root);
    if (l) {
      const from = d.columns[l.c].labels[l.i], to = d.columns[l.c + 1].labels[l.j];
      lines = [`w = ${valueText(l.w)}`, `from ${from}`, `to ${to}`];
    }
  }
  if (!lines) { tip.style.display = "none"; return; }
  tip.textContent = lines.join("\n");
  tip.style.display = "block";
  const lay = root.state.layout;
  tip.style.left = Math.min(root.state.hover.x + 14, lay.width - 190) + "px";
  tip.style.top = Math.min(root.state.hover.y + 14, lay.height - 60) + "px";
}
