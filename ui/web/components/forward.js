// nnlib's forward pass over the input plane, in the browser: the server sends a frame's weights (a few
// hundred numbers), not its pictures, and the view computes the plane itself. Every function here has
// its Python twin, named in its comment; tests/e2e/test_forward_in_browser.py checks that they agree,
// value by value and pixel by pixel, for every feature and activation.

// ui/core/data/features.py:FEATURES
const FEATURE_FNS = {
  x1: (a, b) => a, x2: (a, b) => b, x1sq: (a, b) => a * a, x2sq: (a, b) => b * b, x1x2: (a, b) => a * b,
  sinx1: (a, b) => Math.sin(a), sinx2: (a, b) => Math.sin(b), cosx1: (a, b) => Math.cos(a),
  cosx2: (a, b) => Math.cos(b),
};

// nnlib/activations.py; softmax is row-wise, in forwardGrid
const GELU_C = Math.sqrt(2 / Math.PI);
const sigmoid = (z) => 0.5 * (Math.tanh(0.5 * z) + 1); // the tanh form, as nnlib: it never overflows
const ACTIVATION_FNS = {
  linear: (z) => z,
  relu: (z) => Math.max(z, 0), // NaN stays NaN, as np.maximum
  leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
  elu: (z) => (z > 0 ? z : Math.expm1(Math.min(z, 0))),
  gelu: (z) => 0.5 * z * (1 + Math.tanh(GELU_C * (z + 0.044715 * z * z * z))),
  swish: (z) => z * sigmoid(z),
  softplus: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))), // np.logaddexp(0, z)
  sigmoid,
  tanh: Math.tanh,
};

// ui/render/charts.py:model_params: every Dense layer's kernel (row-major) then bias, float64, base64
function decodeParams(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}

// ui/core/run.py:grid_points: pixel centres, row by row from the top (x2 = hi) down. The same for every
// frame of a setup, so the last few are kept (the plane's grid, the diagram's, every feature's): a frame
// then costs only the layers.
const grids = new Map();
function gridFeatures(features, res, domain) {
  const key = JSON.stringify([features, res, domain]);
  if (!grids.has(key)) {
    if (grids.size >= 6) grids.delete(grids.keys().next().value);
    grids.set(key, expandGrid(features, res, domain));
  }
  return grids.get(key);
}

function expandGrid(features, res, [lo, hi]) {
  const step = (hi - lo) / res, k = features.length, fns = features.map((f) => FEATURE_FNS[f]);
  const out = new Float64Array(res * res * k);
  for (let row = 0; row < res; row++) {
    const x2 = lo + step * (res - 1 - row + 0.5);
    for (let col = 0; col < res; col++) {
      const x1 = lo + step * (col + 0.5), p = (row * res + col) * k;
      for (let j = 0; j < k; j++) out[p + j] = fns[j](x1, x2);
    }
  }
  return out;
}

// Each Dense layer's kernel W (fanIn x units, row-major) and bias b, as views into params.
function layerParams(net, params) {
  let fanIn = net.features.length, offset = 0;
  return net.layers.map(({ units, activation, mask }) => {
    const W = params.subarray(offset, offset + fanIn * units);
    const b = params.subarray(offset + fanIn * units, offset + fanIn * units + units);
    const layer = { W, b, fanIn, units, activation, mask };
    offset += fanIn * units + units;
    fanIn = units;
    return layer;
  });
}

// model.predict on the grid, keeping each Dense layer's output: [Float64Array(n * units), ...]
// net = {features, layers: [{units, activation}], domain}; params from decodeParams. Each sum runs over the
// inputs in order and adds the bias last, as nnlib's x @ W + b; the kernel is read transposed, so both
// factors of the inner loop are contiguous (a 6 x 16 network: 94 -> ms per 100 x 100 grid).
// `reuse`: the previous frame's outputs, overwritten where a layer's size is unchanged (a new half a
// megabyte per frame kept the garbage collector busy for a tenth of the frame).
function forwardGrid(net, params, res, reuse = []) {
  return forwardRows(net, params, gridFeatures(net.features, res, net.domain), res * res, reuse);
}

// model.predict on points [[x1, x2, ...], ...]: the last layer's output, Float64Array(n * units).
function forwardPoints(net, params, points) {
  const fns = net.features.map((f) => FEATURE_FNS[f]), k = fns.length, a = new Float64Array(points.length * k);
  points.forEach(([x1, x2], p) => { for (let j = 0; j < k; j++) a[p * k + j] = fns[j](x1, x2); });
  const outputs = forwardRows(net, params, a, points.length, []);
  return outputs[outputs.length - 1];
}

// The forward pass of n input rows `a` (n x features, row-major), every Dense layer's output kept.
function forwardRows(net, params, a, n, reuse) {
  const outputs = [];
  for (const { W, b, fanIn, units, activation, mask } of layerParams(net, params)) {
    const Wt = new Float64Array(fanIn * units);
    for (let i = 0; i < fanIn; i++) for (let j = 0; j < units; j++) Wt[j * fanIn + i] = W[i * units + j];
    const old = reuse[outputs.length];
    const z = old && old.length === n * units ? old : new Float64Array(n * units);
    for (let p = 0, ap = 0, zp = 0; p < n; p++, ap += fanIn, zp += units) {
      for (let j = 0, wj = 0; j < units; j++, wj += fanIn) {
        let s = 0;
        for (let i = 0; i < fanIn; i++) s += a[ap + i] * Wt[wj + i];
        z[zp + j] = s + b[j];
      }
    }
    if (activation === "softmax") softmaxRows(z, units);
    else activate(z, ACTIVATION_FNS[activation]);
    if (mask) for (let p = 0; p < z.length; p++) z[p] *= mask[p % units]; // a switched-off unit: nnlib's a * mask
    outputs.push(z);
    a = z;
  }
  return outputs;
}

function activate(z, fn) {
  for (let i = 0; i < z.length; i++) z[i] = fn(z[i]);
}

function softmaxRows(z, k) {
  for (let p = 0; p < z.length; p += k) {
    let top = -Infinity, sum = 0;
    for (let j = 0; j < k; j++) top = Math.max(top, z[p + j]);
    for (let j = 0; j < k; j++) { z[p + j] = Math.exp(z[p + j] - top); sum += z[p + j]; }
    for (let j = 0; j < k; j++) z[p + j] /= sum;
  }
}

// ui/render/charts.py:output_rgb, into an ImageData's RGBA (whose assignment rounds half to even, as NumPy).
// Channels are written in place: an array per pixel cost a third of a frame.
function paintOutput(rgba, output, k, kind, discretize, colours) {
  const { no_value: none, classes } = colours, c = [0, 0, 0];
  for (let p = 0, q = 0; p < output.length; p += k, q += 4) {
    let finite = true;
    for (let j = 0; j < k; j++) if (!Number.isFinite(output[p + j])) finite = false;
    if (!finite) {
      c[0] = none[0]; c[1] = none[1]; c[2] = none[2];
    } else if (kind !== "multiclass") {
      const t = kind === "binary" ? 2 * output[p] - 1 : output[p];
      divergingInto(c, discretize ? Math.sign(t) : t, colours);
    } else {
      let winner = 0;
      for (let j = 1; j < k; j++) if (output[p + j] > output[p + winner]) winner = j;
      const confidence = discretize ? 1 : (output[p + winner] - 1 / k) / (1 - 1 / k);
      const lightness = 0.15 + 0.85 * Math.min(Math.max(confidence, 0), 1), cls = classes[winner];
      for (let ch = 0; ch < 3; ch++) c[ch] = 255 + (cls[ch] - 255) * lightness;
    }
    rgba[q] = c[0]; rgba[q + 1] = c[1]; rgba[q + 2] = c[2]; rgba[q + 3] = 255;
  }
}

// ui/render/network_view.py:diverging_rgb: orange at -1, neutral at 0, blue at +1 (clipped), into `out`
function divergingInto(out, t, { orange, blue, neutral }) {
  t = Math.min(Math.max(t, -1), 1);
  const end = t < 0 ? orange : blue, s = Math.abs(t);
  for (let ch = 0; ch < 3; ch++) out[ch] = neutral[ch] + (end[ch] - neutral[ch]) * s;
  return out;
}

function divergingRgb(t, colours) {
  return divergingInto([0, 0, 0], t, colours);
}
