// The histogram grid's canvas keeps room for a few more rows (web/src/views/histograms.js backingRoom), so
// a depth change repaints the canvas instead of reallocating it (bench/page-bench.mjs: a column grid's
// repaint after a resize took 6-27 ms in headless Chromium, 0.3 ms at the same size).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backingRoom } from '../../web/src/views/histograms.js';

test('the room is the height rounded up to a step, and stays while the figure fits', () => {
  const first = backingRoom(718, 0);  // 20 layers of the default page: 20 + 21 rows x 32 + 26
  assert.ok(first >= 718 && first - 718 < 256, `room ${first}`);
  assert.equal(backingRoom(750, first), first, 'one layer more still fits: no resize');
  assert.equal(backingRoom(686, first), first, 'one layer fewer: no resize');
});

test('a figure taller than the room, or one that leaves two steps unused, resizes it', () => {
  const room = backingRoom(718, 0);
  const taller = backingRoom(room + 1, room);
  assert.ok(taller > room && taller - (room + 1) < 256);
  const shorter = backingRoom(100, 2000);
  assert.ok(shorter >= 100 && shorter < 356, `a much shorter figure gives the room back: ${shorter}`);
});

test('stepping the depth through 20..50 one layer at a time resizes a few times, not thirty', () => {
  let room = 0, resizes = 0;
  for (let depth = 20; depth <= 50; depth++) {
    const next = backingRoom(20 + (depth + 1) * 32 + 26, room);
    if (next !== room) resizes++;
    room = next;
  }
  assert.ok(resizes <= 5, `${resizes} resizes`);
});
