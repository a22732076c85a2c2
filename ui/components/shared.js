// Shared by every canvas view: ui/canvas.py puts this in front of each view's own script.
const FONT = "12px sans-serif";
const MUTED = "#555";

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
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  return [Math.min(lo, 0), hi + (hi - lo) * 0.05];
}
