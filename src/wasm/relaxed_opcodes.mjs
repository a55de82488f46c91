// node relaxed_opcodes.mjs MODULE.wasm [--expect-relaxed]
// Rewrites f32x4.relaxed_madd from the opcode Clang 14 / binaryen 108 (Emscripten 3.1.6) still write, the
// relaxed-SIMD proposal's early 0xfd 0xaf (LEB128 "af 01"), to the standard 0xfd 0x105 ("85 02"), in place.
// Both encodings are three bytes, so nothing else in the module moves.
//
// Only the code section is touched, and only if the count is exact: binaryen's disassembler (wasm-dis,
// installed with emscripten) must report as many f32x4.relaxed_fma instructions, and no other relaxed
// instruction, as there are byte runs "fd af 01" in the code. Every real instruction makes one such run,
// so equal counts leave no room for a run that is part of an immediate instead. Afterwards the module
// must validate in V8 with relaxed SIMD on (this script re-runs Node with the flag to check).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const fail = message => { console.error(`relaxed_opcodes.mjs: ${message}`); process.exit(1); };
const [path] = process.argv.slice(2);
if (!path) fail('usage: node relaxed_opcodes.mjs MODULE.wasm');

if (process.argv.includes('--validate')) {  // the child below: validate with relaxed SIMD enabled
  process.exit(WebAssembly.validate(readFileSync(path)) ? 0 : 3);
}

const bytes = new Uint8Array(readFileSync(path));
const OLD = [0xfd, 0xaf, 0x01], NEW = [0xfd, 0x85, 0x02];

function codeSection(b) {
  if (b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) fail(`${path} is not a wasm module`);
  let pos = 8;
  const leb = () => {
    let value = 0, shift = 0, byte;
    do { byte = b[pos++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return value;
  };
  while (pos < b.length) {
    const id = b[pos++], size = leb();
    if (id === 10) return [pos, pos + size];
    pos += size;
  }
  fail(`${path} has no code section`);
}

const [start, end] = codeSection(bytes);
// Where the three bytes of `run` stand in the code section.
const runsOf = run => {
  const at = [];
  for (let i = start; i + 2 < end; ++i)
    if (bytes[i] === run[0] && bytes[i + 1] === run[1] && bytes[i + 2] === run[2]) at.push(i);
  return at;
};
const runs = runsOf(OLD);

if (runs.length === 0) {
  // --expect-relaxed (build-wasm.sh's check of the finished module): the module must hold relaxed_madd.
  if (process.argv.includes('--expect-relaxed') && runsOf(NEW).length === 0) fail(`${path} holds no relaxed_madd`);
  console.log(`relaxed_opcodes.mjs: ${path}: nothing in the early encoding (already rewritten, or no relaxed_madd)`);
} else {
  const text = execFileSync('wasm-dis', [path], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const relaxed = text.match(/\(\S*relaxed\S*/g) ?? [];
  const madds = relaxed.filter(name => name === '(f32x4.relaxed_fma').length;
  if (madds !== relaxed.length)
    fail(`${path} has relaxed instructions other than f32x4.relaxed_fma: ${[...new Set(relaxed)].join(' ')}`);
  if (runs.length !== madds)
    fail(`${path}: ${runs.length} byte runs "fd af 01" for ${madds} f32x4.relaxed_fma instructions; not rewriting`);
  for (const i of runs) bytes.set(NEW, i);
  writeFileSync(path, bytes);
  console.log(`relaxed_opcodes.mjs: ${path}: ${runs.length} f32x4.relaxed_madd rewritten to 0xfd 0x105`);
}
try {
  execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', process.argv[1], path, '--validate']);
} catch {
  fail(`${path} does not validate with relaxed SIMD after the rewrite`);
}
