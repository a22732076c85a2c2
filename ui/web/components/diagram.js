// The network diagram of the live view, computed here from each frame's weights (forward.js), so it changes
// with the plane in the same frame: every feature's and neuron's heatmap on a TILE x TILE grid, the links
// coloured by sign and sized by |w| (or, one click away, each layer's weight matrix), a bar under each node
// for its bias. Colours follow ui/render/network_view.py (tile_rgb, activation_scale), which
// tests/e2e/test_diagram_in_browser.py checks pixel by pixel. `dg` is the payload's net.diagram.

const SCALE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
const FROZEN = "#3b6fa0"; // a frozen neuron's dashed frame

// Whether node n is in `list` ([column, row] pairs: the diagram's switched-off or frozen neurons).
function operated(list, n) {
  return (list || []).some(([c, r]) => c === n.c && r === n.r);
}

// Every node's values on the diagram's grid, and the hidden neurons' shared colour scale.
function diagramValues(net, params, previous) {
  const dg = net.diagram, res = dg.tile_resolution;
  const layers = forwardGrid(net, params, res, previous && previous.res === res ? previous.layers : []);
  return { res, inputs: gridFeatures(dg.features, res, net.domain), layers, scale: activationScale(layers.slice(0, -1), net) };
}

// network_view.activation_scale: the first step at or above the median of each hidden neuron's largest |a|.
function activationScale(hidden, net) {
  const peaks = [];
  hidden.forEach((a, l) => {
    const units = net.layers[l].units;
    for (let j = 0; j < units; j++) {
      let peak = -1;
      for (let p = j; p < a.length; p += units) if (Number.isFinite(a[p])) peak = Math.max(peak, Math.abs(a[p]));
      if (peak >= 0) peaks.push(peak);
    }
  });
  if (!hidden.length) return SCALE_STEPS[0];
  if (!peaks.length) return SCALE_STEPS[SCALE_STEPS.length - 1];
  peaks.sort((x, y) => x - y);
  const mid = peaks.length >> 1, top = peaks.length % 2 ? peaks[mid] : (peaks[mid - 1] + peaks[mid]) / 2;
  return SCALE_STEPS.find((s) => s >= top - 1e-9) ?? SCALE_STEPS[SCALE_STEPS.length - 1];
}

// Node (column c, row r)'s values over a grid: an input feature, or a Dense layer's unit.
function nodeValues(values, dg, c, r) {
  const src = c === 0 ? values.inputs : values.layers[c - 1];
  const k = c === 0 ? dg.features.length : src.length / (values.res * values.res);
  const out = new Float64Array(values.res * values.res);
  for (let p = 0; p < out.length; p++) out[p] = src[p * k + r];
  return out;
}

// network_view.tile_rgb into RGBA: a node's values -> colours, NaN grey.
function tileRgba(v, kind, column, scale, unit, colours) {
  const rgba = new Uint8ClampedArray(v.length * 4), multi = column === "output" && kind === "multiclass";
  let peak = 1e-12;
  if (column === "input") for (const x of v) if (Number.isFinite(x)) peak = Math.max(peak, Math.abs(x));
  const cls = colours.classes[unit % colours.classes.length], none = colours.no_value, c = [0, 0, 0];
  for (let p = 0, q = 0; p < v.length; p++, q += 4) {
    const x = v[p];
    if (!Number.isFinite(x)) { c[0] = none[0]; c[1] = none[1]; c[2] = none[2]; }
    else if (multi) {
      const u = Math.min(Math.max(x, 0), 1);
      for (let ch = 0; ch < 3; ch++) c[ch] = 255 + (cls[ch] - 255) * u;
    } else {
      const t = column === "input" ? x / peak : column === "hidden" ? x / scale : kind === "binary" ? 2 * x - 1 : x;
      divergingInto(c, t, colours);
    }
    rgba[q] = c[0]; rgba[q + 1] = c[1]; rgba[q + 2] = c[2]; rgba[q + 3] = 255;
  }
  return rgba;
}

function tileCanvas(rgba, res, reuse) {
  const tile = reuse && reuse.width === res ? reuse : document.createElement("canvas");
  tile.width = tile.height = res;
  const ctx = tile.getContext("2d");
  const img = ctx.createImageData(res, res);
  img.data.set(rgba);
  ctx.putImageData(img, 0, 0);
  return tile;
}

// Where everything goes on a canvas of `width` x `height`: columns spread out, nodes centred in each.
// `narrow`: columns too close for a layer's - and + beside its subtitle, so they go under it (liveview.js).
function diagramLayout(dg, width, height) {
  const cols = dg.columns, n = cols.length, left = 62, right = 14;
  const span = (width - left - right) / Math.max(n - 1, 1), narrow = span < 150, top = narrow ? 62 : 44;
  const most = Math.max(...cols.map((c) => c.labels.length));
  const pitch = Math.min(64, (height - top - 4) / most);
  const size = Math.floor(Math.max(10, Math.min(pitch * 0.76, span * 0.42, 52)));
  const xs = cols.map((_, c) => left + size / 2 + (c * (width - left - right - size)) / Math.max(n - 1, 1));
  const byColumn = cols.map((col, c) => {
    const offset = top + ((most - col.labels.length) * pitch) / 2;
    return col.labels.map((label, r) => ({ c, r, x: xs[c], y: offset + r * pitch + pitch / 2 - 3, label }));
  });
  return { width, height, size, xs, narrow, byColumn, nodes: byColumn.flat() };
}

// Links (or matrix cells) of Dense layer l, from column l to column l + 1. The first layer's rows are the
// active features' nodes.
function layerLinks(dg, lay, layer, l) {
  const from = l === 0 ? dg.active.map((row) => lay.byColumn[0][row]) : lay.byColumn[l];
  const links = [];
  for (let i = 0; i < layer.fanIn; i++) {
    for (let j = 0; j < layer.units; j++) {
      const a = from[i], b = lay.byColumn[l + 1][j];
      links.push({ l, i, j, w: layer.W[i * layer.units + j], from: a, to: b });
    }
  }
  return links;
}

function finiteMax(arrays) {
  let top = 1e-9;
  for (const a of arrays) for (const v of a) if (Number.isFinite(v)) top = Math.max(top, Math.abs(v));
  return top;
}

// Paint the diagram of `values` (diagramValues) with `layers` (layerParams) on `canvas`.
function paintDiagram(root, canvas, width, height) {
  const s = root.state, d = s.data, dg = d.net.diagram, colours = d.net.colours;
  const lay = diagramLayout(dg, width, height), size = lay.size;
  const ctx = sized(canvas, width, height);
  const wmax = finiteMax(s.layers.map((L) => L.W)), bmax = finiteMax(s.layers.map((L) => L.b));
  const pos = `rgb(${colours.blue})`, neg = `rgb(${colours.orange})`;
  const links = s.layers.flatMap((layer, l) => layerLinks(dg, lay, layer, l));
  s.cells = [];
  if (s.matrices) paintMatrices(ctx, s, lay, links, wmax, colours);
  else paintLinks(ctx, lay, links, wmax, pos, neg);
  s.links = s.matrices ? [] : links;
  s.tiles = s.tiles || {};
  for (const n of lay.nodes) {
    const col = dg.columns[n.c], key = n.c + "," + n.r;
    const rgba = tileRgba(nodeValues(s.values, dg, n.c, n.r), d.net.kind, col.kind, s.values.scale, n.r, colours);
    s.tiles[key] = tileCanvas(rgba, s.values.res, s.tiles[key]);
    const off = n.c === 0 ? !dg.active.includes(n.r) : operated(dg.off, n);
    ctx.globalAlpha = off ? 0.3 : 1;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(s.tiles[key], n.x - size / 2, n.y - size / 2, size, size);
    ctx.globalAlpha = 1;
    const chosen = dg.selected && dg.selected[0] === n.c && dg.selected[1] === n.r;
    const frozen = operated(dg.frozen, n);
    ctx.lineWidth = chosen ? 3 : frozen ? 2 : 1;
    ctx.strokeStyle = chosen ? "#111" : frozen ? FROZEN : off ? "#ccc" : "#888";
    ctx.setLineDash(frozen || (off && n.c > 0) ? [3, 2] : []);
    ctx.strokeRect(n.x - size / 2, n.y - size / 2, size, size);
    ctx.setLineDash([]);
    if (n.c > 0) biasBar(ctx, n, size, s.layers[n.c - 1].b[n.r], bmax, pos, neg);
  }
  columnTitles(ctx, dg, lay);
  s.layout = lay;
  s.wmax = wmax;
}

function paintLinks(ctx, lay, links, wmax, pos, neg) {
  const size = lay.size;
  links.sort((p, q) => Math.abs(p.w) - Math.abs(q.w)); // the strong ones on top
  for (const l of links) {
    const t = Number.isFinite(l.w) ? Math.min(Math.abs(l.w) / wmax, 1) : 0;
    ctx.strokeStyle = !Number.isFinite(l.w) ? "#999" : l.w >= 0 ? pos : neg;
    ctx.globalAlpha = 0.15 + 0.75 * t;
    ctx.lineWidth = 0.4 + 3.6 * t;
    ctx.beginPath();
    ctx.moveTo(l.from.x + size / 2, l.from.y);
    ctx.lineTo(l.to.x - size / 2, l.to.y);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}

// Each layer's weight matrix in the gap it spans: row i level with its source node, one column per unit.
function paintMatrices(ctx, s, lay, links, wmax, colours) {
  const size = lay.size;
  s.layers.forEach((layer, l) => {
    const gap = lay.xs[l + 1] - lay.xs[l] - size, cell = Math.max(2, Math.min(16, (gap * 0.8) / layer.units));
    const x0 = lay.xs[l] + size / 2 + (gap - cell * layer.units) / 2, h = Math.max(3, Math.min(size * 0.8, 16));
    for (const link of links.filter((k) => k.l === l)) {
      const x = x0 + link.j * cell, y = link.from.y - h / 2;
      const c = Number.isFinite(link.w) ? divergingRgb(link.w / wmax, colours) : colours.no_value;
      ctx.fillStyle = `rgb(${c.map(Math.round)})`;
      ctx.fillRect(x, y, cell - 1, h);
      s.cells.push({ ...link, x, y, w: link.w, cw: cell - 1, ch: h });
    }
  });
}

function biasBar(ctx, n, size, b, bmax, pos, neg) {
  const y = n.y + size / 2 + 2;
  ctx.fillStyle = "#bbb";
  ctx.fillRect(n.x - 0.5, y - 1, 1, 5);
  if (!Number.isFinite(b)) return;
  const w = (size / 2) * Math.min(Math.abs(b) / bmax, 1);
  ctx.fillStyle = b >= 0 ? pos : neg;
  ctx.fillRect(b >= 0 ? n.x : n.x - w, y, w, 3);
}

function columnTitles(ctx, dg, lay) {
  ctx.textAlign = "center";
  dg.columns.forEach((col, c) => {
    ctx.font = "bold 12px sans-serif";
    ctx.fillStyle = "#222";
    ctx.fillText(col.title, lay.xs[c], 13);
    ctx.font = FONT;
    ctx.fillStyle = MUTED;
    ctx.fillText(col.subtitle || "", lay.xs[c], 31);
  });
  ctx.textAlign = "right";
  ctx.fillStyle = "#222";
  ctx.font = (lay.size < 26 ? "10px" : "12px") + " sans-serif";
  for (const n of lay.byColumn[0]) ctx.fillText(n.label, n.x - lay.size / 2 - 5, n.y + 4);
  ctx.font = FONT;
}

// What is under the pointer on the diagram: a node, a matrix cell or a link.
function diagramHit(s, h) {
  const lay = s.layout;
  if (!h || !lay) return null;
  const half = lay.size / 2;
  const node = lay.nodes.find((n) => Math.abs(h.x - n.x) <= half + 2 && Math.abs(h.y - n.y) <= half + 6);
  if (node) return { node };
  const cell = s.cells.find((k) => h.x >= k.x && h.x <= k.x + k.cw && h.y >= k.y && h.y <= k.y + k.ch);
  if (cell) return { link: cell };
  let best = null, bestDist = 5;
  for (const l of s.links) {
    const x1 = l.from.x + half, y1 = l.from.y, dx = l.to.x - half - x1, dy = l.to.y - y1;
    const t = Math.max(0, Math.min(1, ((h.x - x1) * dx + (h.y - y1) * dy) / (dx * dx + dy * dy)));
    const dist = Math.hypot(h.x - (x1 + t * dx), h.y - (y1 + t * dy));
    if (dist < bestDist) { best = l; bestDist = dist; }
  }
  return best ? { link: best } : null;
}

function number(v) {
  return Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : "no value";
}

// The words for what the pointer is on: a node's range and bias, a weight's value and ends.
function diagramTipLines(s, hit) {
  const dg = s.data.net.diagram;
  if (hit.node) {
    const n = hit.node, col = dg.columns[n.c], v = nodeValues(s.values, dg, n.c, n.r);
    const finite = Array.from(v).filter(Number.isFinite);
    const lines = [n.label + (n.c === 0 ? (dg.active.includes(n.r) ? " (on)" : " (off)") : "")];
    lines.push(finite.length ? `over the plane: ${number(Math.min(...finite))} … ${number(Math.max(...finite))}`
      : "no value");
    if (operated(dg.off, n)) lines.push("switched off: its output is held at 0");
    if (operated(dg.frozen, n)) lines.push("frozen: training leaves its weights as they are");
    if (n.c > 0) lines.push(`bias = ${number(s.layers[n.c - 1].b[n.r])}`, "click to inspect");
    if (col.kind === "hidden") lines.push("shift-click: off / on · alt-click: freeze / thaw");
    else lines.push(dg.editable.features ? "click to switch on or off" : "inputs are set by the lesson");
    if (col.kind === "hidden") lines.push(`colours: ±${s.values.scale} (shared)`);
    return lines;
  }
  const l = hit.link, cols = dg.columns;
  const from = l.l === 0 ? cols[0].labels[dg.active[l.i]] : cols[l.l].labels[l.i];
  return [`w = ${number(l.w)}`, `from ${from}`, `to ${cols[l.l + 1].labels[l.j]}`];
}

// A hovered node over the whole plane, at the plane's resolution, each on its own scale.
function nodePlane(root, node) {
  const s = root.state, net = s.data.net, res = net.resolution, dg = net.diagram;
  const values = { res, inputs: gridFeatures(dg.features, res, net.domain), layers: s.outputs };
  const v = nodeValues(values, dg, node.c, node.r), kind = dg.columns[node.c].kind;
  const scale = kind === "hidden" ? finiteMax([v]) : 1;
  const image = document.createElement("canvas");
  image.width = image.height = res;
  const ctx = image.getContext("2d"), img = ctx.createImageData(res, res);
  img.data.set(tileRgba(v, net.kind, kind, scale, node.r, net.colours));
  ctx.putImageData(img, 0, 0);
  return image;
}
