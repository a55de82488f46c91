// A NumPy .npy reader and writer for the tests (no NumPy needed): versions 1.0, <f4 / <f8 / <i4.
import { readFileSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const types = { '<f4': Float32Array, '<f8': Float64Array, '<i4': Int32Array };

// Returns {descr, fortranOrder, shape, data}, data a typed array in file order.
export function readNpy(path) {
  const bytes = readFileSync(path);
  assert.equal(bytes.subarray(0, 6).toString('latin1'), '\x93NUMPY', `${path}: magic`);
  assert.deepEqual([bytes[6], bytes[7]], [1, 0], `${path}: version 1.0`);
  const headerLength = bytes.readUInt16LE(8);
  assert.equal((10 + headerLength) % 64, 0, `${path}: data aligned to 64 bytes`);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  assert.ok(header.endsWith('\n'), `${path}: header ends with a newline`);
  const descr = /'descr': '([^']+)'/.exec(header)[1];
  const fortranOrder = /'fortran_order': (True|False)/.exec(header)[1] === 'True';
  const shape = /'shape': \(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  const Type = types[descr];
  assert.ok(Type, `${path}: dtype ${descr}`);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(10 + headerLength);
  assert.equal(body.length, count * Type.BYTES_PER_ELEMENT, `${path}: data size`);
  const data = new Type(body.buffer.slice(body.byteOffset, body.byteOffset + body.length));
  return { descr, fortranOrder, shape, data };
}

// Writes a version 1.0 file; data is a typed array in the order fortranOrder says.
export function writeNpy(path, { descr, fortranOrder, shape, data }) {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const header = Buffer.alloc(10);
  header.write('\x93NUMPY', 0, 'latin1');
  header[6] = 1, header[7] = 0;
  header.writeUInt16LE(dict.length, 8);
  writeFileSync(path, Buffer.concat([header, Buffer.from(dict, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}
