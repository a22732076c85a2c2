// The Digits page's drawing pad: an 8x8 grid of grey levels 0..16 (the UCI digits' resolution), drawn
// large. Pointer Events, so mouse, pen and touch all paint; a soft brush raises the cells near the pointer,
// more at its centre. The whole grid goes back to Python ONCE per stroke, on pointer-up, as the trigger
// "stroke" (64 numbers, row by row). `data` comes from ui/web/learn.py: {pixels, version}; Python bumps
// `version` when it replaces the drawing (Clear, Copy a test digit, a rejected value), and only then is
// the local drawing replaced: a rerun caused by our own stroke must not undo a stroke drawn meanwhile.
const SIDE = 8, MAX_INK = 16;
const BRUSH_RADIUS = 1.25;  // cells: the centre cell and, more faintly, its neighbours
const BRUSH_INK = 5;        // grey levels added at the centre per dab
const DAB_SPACING = 0.3;    // cells between dabs along a drag, so ink does not depend on the pointer's speed

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const data = viewData(component);
  const [root, created] = viewRoot(parentElement, "nnpg-digits",
    '<div class="modes" role="group" aria-label="Brush">' +
      '<button type="button" class="mode" data-mode="draw" aria-pressed="true">Draw</button>' +
      '<button type="button" class="mode" data-mode="erase" aria-pressed="false">Erase</button></div>' +
      '<canvas class="pad" aria-label="Drawing pad, 8 by 8 cells"></canvas>',
    { pixels: new Array(SIDE * SIDE).fill(0), version: null, mode: "draw", stroke: null, hover: null,
      strokes: 0 }, ".pad", paint);
  root.state.send = setTriggerValue;
  if (created) {
    listen(root);
    new ResizeObserver(() => paint(root)).observe(root); // a phone turned sideways, a sidebar closed
  }
  if (data.version !== root.state.version) {
    root.state.pixels = data.pixels.map(Number);
    root.state.version = data.version;
  }
  paint(root);
}

function listen(root) {
  const canvas = root.querySelector(".pad");
  root.querySelectorAll(".mode").forEach((button) => button.addEventListener("click", () => {
    root.state.mode = button.dataset.mode;
    root.querySelectorAll(".mode").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
  }));
  canvas.addEventListener("contextmenu", (e) => e.preventDefault()); // the right button erases
  canvas.addEventListener("pointerdown", (e) => {
    if (root.state.stroke) return; // a second finger while one draws
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    const erase = root.state.mode === "erase" || e.button === 2 || e.button === 5; // 5: a pen's eraser
    const at = cellAt(canvas, e);
    root.state.stroke = { id: e.pointerId, erase, last: at };
    dab(root, at, erase);
    paint(root);
  });
  canvas.addEventListener("pointermove", (e) => {
    const stroke = root.state.stroke;
    if (!stroke || e.pointerId !== stroke.id) return;
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    for (const point of events.length ? events : [e]) {
      stroke.last = along(stroke.last, cellAt(canvas, point), (p) => dab(root, p, stroke.erase));
    }
    paint(root);
  });
  const end = (e) => {
    const stroke = root.state.stroke;
    if (!stroke || e.pointerId !== stroke.id) return;
    root.state.stroke = null;
    root.state.strokes += 1;
    root.state.send("stroke", root.state.pixels.map(Math.round)); // what the pad shows, once per stroke
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("lostpointercapture", end); // or the pad would wait for this pointer forever
}

// The pointer's position in cells: x = column, y = row, both continuous in [0, 8].
function cellAt(canvas, e) {
  const r = canvas.getBoundingClientRect();
  const left = r.left + canvas.clientLeft, top = r.top + canvas.clientTop; // inside the border
  const clamp = (v) => Math.min(Math.max(v, 0), SIDE);
  return { x: clamp(((e.clientX - left) / canvas.clientWidth) * SIDE),
           y: clamp(((e.clientY - top) / canvas.clientHeight) * SIDE) };
}

// Dabs on the way from `from` (the last dab) towards `to`, exactly DAB_SPACING apart; returns the last dab,
// so many small moves (shorter than the spacing each) still add up to dabs.
function along(from, to, each) {
  const length = Math.hypot(to.x - from.x, to.y - from.y);
  const steps = Math.floor(length / DAB_SPACING);
  let last = from;
  for (let k = 1; k <= steps; k++) {
    const t = (k * DAB_SPACING) / length;
    last = { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t };
    each(last);
  }
  return last;
}

// One touch of the soft brush: cells whose centre is within BRUSH_RADIUS gain (or lose) ink, linearly less
// towards the edge.
function dab(root, at, erase) {
  const pixels = root.state.pixels;
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const weight = 1 - Math.hypot(c + 0.5 - at.x, r + 0.5 - at.y) / BRUSH_RADIUS;
      if (weight <= 0) continue;
      const v = pixels[r * SIDE + c] + (erase ? -1 : 1) * BRUSH_INK * weight;
      pixels[r * SIDE + c] = Math.min(Math.max(v, 0), MAX_INK);
    }
  }
}

function padSize(root) {
  return Math.max(Math.min(root.clientWidth || root.parentNode.clientWidth || 320, 320), 160);
}

// Each cell in its grey level as the model will read it (rounded): white 0 to black 16.
function paint(root) {
  const size = padSize(root), cell = size / SIDE;
  const ctx = sized(root.querySelector(".pad"), size, size);
  root.state.pixels.forEach((v, i) => {
    const level = 255 - Math.round((Math.round(v) / MAX_INK) * 238); // 16 -> #111, as the page's images
    ctx.fillStyle = `rgb(${level},${level},${level})`;
    ctx.fillRect((i % SIDE) * cell, Math.floor(i / SIDE) * cell, cell, cell);
  });
  ctx.strokeStyle = "#d0d4da";
  ctx.lineWidth = 1;
  for (let k = 0; k <= SIDE; k++) {
    const p = Math.min(Math.round(k * cell) + 0.5, size - 0.5);
    ctx.beginPath(); ctx.moveTo(p, 0); ctx.lineTo(p, size); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(0, p); ctx.lineTo(size, p); ctx.stroke();
  }
  const hover = root.state.hover;
  if (hover && !root.state.stroke) {
    ctx.strokeStyle = root.state.mode === "erase" ? "#d55e00" : "#0072b2";
    ctx.beginPath();
    ctx.arc(hover.x, hover.y, BRUSH_RADIUS * cell * 0.6, 0, 2 * Math.PI);
    ctx.stroke();
  }
}
