// A peer for bench/wasm-bench.mjs: the blog-bn network's forward + backward written in TensorFlow.js on its
// WebAssembly backend (one thread, SIMD), the way a tfjs user would write it. Prints one JSON line:
// {forwardBackward: median ms, min, reps, threads, simd}.
//
// The same work as Layerscope's Network::forward() + backward(): 20 layers of 100 features, 100 inputs,
// 1000 samples, weights N(0, 0.01^2), ReLU, then batch norm over the batch with one gamma and beta per
// feature (eps 1e-5), loss sum(h_20 * g) with an upstream gradient g ~ N(0, 0.01^2), and the gradients of
// the loss with respect to the input and to every weight, gamma and beta (which passes dL/dh through
// every layer). tfjs keeps samples x features, row-major: z = h W^T.
//
// tfjs-core's ES modules import without file extensions, which Node does not resolve: wasm-bench bundles
// this file with esbuild (CommonJS, for Node) and runs the bundle with the backend's .wasm folder as argv[2].
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

async function main() {
  const [wasmDir, repsArg] = process.argv.slice(2);
  const reps = Math.max(1, Number(repsArg) || 20);
  setWasmPaths(wasmDir.endsWith('/') ? wasmDir : wasmDir + '/');
  setThreadsCount(1);  // like the native benchmark and our workers: one core per network
  await tf.setBackend('wasm');
  await tf.ready();

  const depth = 20, width = 100, inputs = 100, batch = 1000, eps = 1e-5;
  const x = tf.randomNormal([batch, inputs], 0, 1, 'float32', 1);
  const weights = Array.from({ length: depth }, (_, l) => tf.randomNormal([width, l ? width : inputs], 0, 0.01, 'float32', 2 + l));
  const gammas = Array.from({ length: depth }, () => tf.ones([width]));
  const betas = Array.from({ length: depth }, () => tf.zeros([width]));
  const upstream = tf.randomNormal([batch, width], 0, 0.01, 'float32', 99);

  const loss = (input, ...params) => {
    let h = input;
    for (let l = 0; l < depth; ++l) {
      const a = tf.relu(tf.matMul(h, params[l], false, true));
      const { mean, variance } = tf.moments(a, 0);  // per feature, over the batch
      const xhat = tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, eps)));
      h = tf.add(tf.mul(xhat, params[depth + l]), params[2 * depth + l]);
    }
    return tf.sum(tf.mul(h, upstream));
  };
  const gradients = tf.grads(loss);
  const step = () => tf.tidy(() => {
    const g = gradients([x, ...weights, ...gammas, ...betas]);
    g[0].dataSync();  // dL/dx: the last gradient the backward pass reaches
    g[1].dataSync();
  });
  for (let i = 0; i < 3; ++i) step();
  const times = [];
  for (let i = 0; i < reps; ++i) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const n = times.length, median = n % 2 ? times[(n - 1) / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
  console.log(JSON.stringify({
    forwardBackward: median, min: times[0], reps, threads: 1, simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
  }));
}
main().catch(e => { console.error(e); process.exit(1); });
