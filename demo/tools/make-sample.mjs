#!/usr/bin/env node
// Writes demo/sample.png, the blur panel's bundled image: a procedural landscape (no
// downloads, no fonts), deterministic, with soft gradients and sharp detail so a blur shows.
//   node demo/tools/make-sample.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const W = 768;
const H = 512;

let seed = 12345;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
/** 1-D value noise, smooth, in [0, 1). */
function noise1(octaves) {
  const tables = octaves.map(() => Array.from({ length: 64 }, rand));
  return (x) => {
    let v = 0;
    let norm = 0;
    octaves.forEach(([freq, amp], o) => {
      const t = x * freq;
      const i = Math.floor(t);
      const f = t - i;
      const s = f * f * (3 - 2 * f);
      const a = tables[o][((i % 64) + 64) % 64];
      const b = tables[o][(((i + 1) % 64) + 64) % 64];
      v += (a + (b - a) * s) * amp;
      norm += amp;
    });
    return v / norm;
  };
}
const mix = (a, b, t) => a + (b - a) * t;
const mix3 = (c1, c2, t) => [mix(c1[0], c2[0], t), mix(c1[1], c2[1], t), mix(c1[2], c2[2], t)];
const clamp01 = (t) => Math.max(0, Math.min(1, t));

const rgb = new Float32Array(W * H * 3);
const put = (x, y, c) => rgb.set(c, (y * W + x) * 3);
const get = (x, y) => rgb.subarray((y * W + x) * 3, (y * W + x) * 3 + 3);

const horizon = Math.round(H * 0.62);
const sun = { x: W * 0.24, y: H * 0.3, r: 40 };
const ridges = [
  { base: 0.40, height: 0.16, color: [120, 92, 140], n: noise1([[0.004, 1], [0.02, 0.35], [0.08, 0.08]]) },
  { base: 0.50, height: 0.14, color: [84, 60, 108], n: noise1([[0.006, 1], [0.03, 0.3], [0.12, 0.08]]) },
  { base: 0.58, height: 0.10, color: [48, 36, 72], n: noise1([[0.009, 1], [0.05, 0.3], [0.2, 0.1]]) },
];

// Sky, sun, mountains, down to the horizon.
for (let y = 0; y < horizon; y++) {
  const t = y / horizon;
  const sky = t < 0.55 ? mix3([28, 40, 96], [236, 120, 96], t / 0.55) : mix3([236, 120, 96], [252, 206, 128], (t - 0.55) / 0.45);
  for (let x = 0; x < W; x++) {
    let c = sky;
    const d = Math.hypot(x - sun.x, y - sun.y);
    const glow = Math.exp(-d / 90) * 0.55;
    c = mix3(c, [255, 236, 180], glow);
    if (d < sun.r) c = (Math.floor(y / 6) % 4 === 3 && y > sun.y) ? mix3(c, [250, 150, 90], 0.8) : [255, 244, 214];
    for (const r of ridges) {
      const top = H * (r.base + 0.06) - r.n(x) * H * r.height * 2;
      if (y >= top) c = mix3(r.color, sky, 0.15 * (1 - (y - top) / H));
    }
    put(x, y, c);
  }
}
// Stars in the upper sky: single bright pixels, the sharpest detail.
for (let i = 0; i < 220; i++) {
  const x = Math.floor(rand() * W);
  const y = Math.floor(rand() * H * 0.25);
  const b = 180 + rand() * 75;
  put(x, y, mix3(get(x, y), [b, b, b + 20 > 255 ? 255 : b + 20], 0.9));
}
// Lake: the sky and ridges mirrored, darkened, with ripples.
for (let y = horizon; y < H; y++) {
  const depth = (y - horizon) / (H - horizon);
  for (let x = 0; x < W; x++) {
    const ripple = Math.round(Math.sin(y * 0.9 + Math.sin(x * 0.05) * 2) * 2 * (0.3 + depth));
    const sy = Math.max(0, Math.min(horizon - 1, 2 * horizon - y - 1));
    const sx = Math.max(0, Math.min(W - 1, x + ripple));
    const c = mix3(get(sx, sy), [20, 30, 60], 0.35 + 0.4 * depth);
    put(x, y, c);
  }
}
// Foreground: a dark shore with grass blades (thin, high-contrast lines).
const shore = noise1([[0.01, 1], [0.05, 0.4]]);
for (let x = 0; x < W; x++) {
  const top = Math.round(H - 40 - shore(x) * 40);
  for (let y = top; y < H; y++) put(x, y, mix3([24, 30, 26], [10, 14, 12], (y - top) / (H - top)));
}
for (let i = 0; i < 420; i++) {
  const x0 = rand() * W;
  const len = 20 + rand() * 50;
  const lean = (rand() - 0.5) * 0.8;
  const green = mix3([40, 70, 44], [110, 140, 70], rand());
  for (let s = 0; s < len; s++) {
    const y = Math.round(H - 1 - s);
    const x = Math.round(x0 + lean * s * s / len);
    if (x >= 0 && x < W && y >= 0) put(x, y, mix3(get(x, y), green, clamp01(1 - s / len) * 0.9 + 0.1));
  }
}

// PNG: 8-bit RGB, filter 0 on every row.
const raw = Buffer.alloc((W * 3 + 1) * H);
for (let y = 0; y < H; y++) {
  raw[y * (W * 3 + 1)] = 0;
  for (let i = 0; i < W * 3; i++) raw[y * (W * 3 + 1) + 1 + i] = Math.max(0, Math.min(255, Math.round(rgb[y * W * 3 + i])));
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(W, 0);
ihdr.writeUInt32BE(H, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 2; // colour type: RGB
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const target = new URL('../sample.png', import.meta.url);
writeFileSync(target, png);
console.log(`wrote ${target.pathname} (${W}×${H}, ${png.length} bytes)`);
