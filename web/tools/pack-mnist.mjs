#!/usr/bin/env node
// Packs the four original MNIST IDX files into the site's "mnist-binary" file (read by src/core/mnist.cpp).
//   node web/tools/pack-mnist.mjs IDX_DIR OUT_FILE
//
// Every pixel is binarized (grey level >= 128 -> 1): the batch-norm paper's Figure 1 feeds its network
// "a 28x28 binary image as input", and one bit a pixel makes all 70000 images 6.9 MB (2.0 MB gzipped).
//
// Pack layout, all integers little-endian:
//   0   "LSMNIST1"                        8 ASCII bytes
//   8   train_count, test_count, rows, cols   uint32 each (60000, 10000, 28, 28)
//   24  train labels (train_count bytes), then test labels (test_count bytes), each 0..9
//   ..  train images, then test images: ceil(rows*cols/8) bytes an image; pixel k = r*cols + c (row-major)
//       is bit (k % 8) of byte (k / 8), least significant bit first.
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROWS = 28, COLS = 28;
const IMAGE_MAGIC = 2051, LABEL_MAGIC = 2049;  // IDX: 0x00 0x00, type 0x08 (ubyte), 3 or 1 dimensions
const SPLITS = [
  { name: 'train', images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', count: 60000 },
  { name: 'test', images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', count: 10000 },
];

class PackError extends Error {}

function fail(file, message) {
  throw new PackError(`pack-mnist: ${file}: ${message}`);
}

function readIdx(file, magic, dims, expectedCount) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    fail(file, `cannot read (${err.code ?? err.message})`);
  }
  const header = 4 + 4 * dims.length;
  if (bytes.length < header) fail(file, `too short for an IDX header: ${bytes.length} bytes, need ${header}`);
  const got = bytes.readUInt32BE(0);
  if (got !== magic) fail(file, `wrong magic number ${got}, expected ${magic}`);
  const count = bytes.readUInt32BE(4);
  if (count !== expectedCount) fail(file, `holds ${count} items, expected ${expectedCount}`);
  dims.slice(1).forEach((want, i) => {
    const size = bytes.readUInt32BE(8 + 4 * i);
    if (size !== want) fail(file, `dimension ${i + 1} is ${size}, expected ${want}`);
  });
  const itemSize = dims.slice(1).reduce((a, b) => a * b, 1);
  const expectedSize = header + count * itemSize;
  if (bytes.length !== expectedSize) {
    const what = bytes.length < expectedSize ? 'truncated' : 'trailing bytes';
    fail(file, `${what}: ${bytes.length} bytes, expected ${expectedSize}`);
  }
  return bytes.subarray(header);
}

function packImages(pixels, count, out, offset) {
  // pixels: count images of ROWS*COLS grey levels (0 = background), row-major
  const perImage = ROWS * COLS, bytesPerImage = Math.ceil(perImage / 8);
  for (let i = 0; i < count; i++) {
    const src = i * perImage, dst = offset + i * bytesPerImage;
    for (let k = 0; k < perImage; k++) {
      if (pixels[src + k] >= 128) out[dst + (k >> 3)] |= 1 << (k & 7);
    }
  }
  return offset + count * bytesPerImage;
}

function pack(idxDir) {
  const splits = SPLITS.map(split => {
    const labelsFile = join(idxDir, split.labels);
    const labels = readIdx(labelsFile, LABEL_MAGIC, [split.count], split.count);
    const bad = labels.findIndex(label => label > 9);
    if (bad >= 0) fail(labelsFile, `label ${labels[bad]} at index ${bad} is not a digit 0..9`);
    const images = readIdx(join(idxDir, split.images), IMAGE_MAGIC, [split.count, ROWS, COLS], split.count);
    return { ...split, labels, images };
  });
  const [train, test] = splits;
  const bytesPerImage = Math.ceil((ROWS * COLS) / 8);
  const total = 24 + train.count + test.count + (train.count + test.count) * bytesPerImage;
  const out = Buffer.alloc(total);  // zero-filled: packImages only sets bits
  out.write('LSMNIST1', 0, 'latin1');
  [train.count, test.count, ROWS, COLS].forEach((v, i) => out.writeUInt32LE(v, 8 + 4 * i));
  let offset = 24;
  for (const split of splits) {
    split.labels.copy(out, offset);
    offset += split.count;
  }
  for (const split of splits) offset = packImages(split.images, split.count, out, offset);
  if (offset !== total) throw new Error(`pack-mnist: internal error: wrote ${offset} of ${total} bytes`);
  return out;
}

const [idxDir, outFile] = process.argv.slice(2);
if (!idxDir || !outFile) {
  console.error('usage: node web/tools/pack-mnist.mjs IDX_DIR OUT_FILE');
  process.exit(2);
}
try {
  const packed = pack(idxDir);
  mkdirSync(dirname(outFile), { recursive: true });
  // Written beside the target, then renamed: an interrupted run never leaves a half-written pack.
  const tmp = `${outFile}.tmp-${process.pid}`;
  writeFileSync(tmp, packed);
  renameSync(tmp, outFile);
} catch (err) {
  if (!(err instanceof PackError)) throw err;
  console.error(err.message);
  process.exit(1);
}
