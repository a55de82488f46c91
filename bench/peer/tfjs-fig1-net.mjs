// The training half of bench/peer/tfjs-fig1.mjs (which bundles this file with esbuild and runs it: tfjs-core's
// ES modules import without file extensions, which Node does not resolve, and its CommonJS build registers
// no gradients). Do not run this file directly; run `node bench/peer/tfjs-fig1.mjs --steps 300`.
//
// The batch-norm paper's Figure 1 network (preset `bn-paper-fig1` and its twin without batch norm) trained
// on MNIST with TensorFlow.js on its WebAssembly backend, one thread, the way a tfjs user would write it:
// 784 binarized pixels (>= 128 -> 1), three hidden layers of 100 sigmoid units, a 10-way linear output and
// softmax cross-entropy averaged over the batch of 60.
//   without BN: z = h W + b (b zero-initialised), a = sigmoid(z)
//   with BN:    z = h W (no bias), p = gamma * (z - mean) / sqrt(var + 1e-5) + beta over the batch per unit
//               (biased variance; the running variance takes the unbiased one, momentum 0.1), a = sigmoid(p)
//   output:     logits = h_3 W_out + b_out, no BN
// Weights N(0, 0.01^2); SGD with learning rate 0.01 and momentum 0.9 (v = 0.9 v + g; w -= 0.01 v), written
// out with tf ops; gradients from tf.variableGrads. tfjs keeps samples x features, so W is inputs x outputs.
//
// Two ways to get the matrix products' gradients (--matmul autodiff | transposed | both, both by default):
//   autodiff:   plain tf.matMul in the forward pass; tfjs's own gradient of it calls matMul with transposeA or
//               transposeB, which the wasm backend runs on a slow path (about 5x slower than transposing first
//               and then a plain matMul: 3.3 ms instead of 0.64 ms of CPU for dL/dW of the first layer on this
//               machine). This is what a tfjs user writes.
//   transposed: the same products under tf.customGrad, whose backward pass transposes with tf.transpose and
//               then calls matMul without transpose flags (and computes no gradient for the input images).
//               The same arithmetic; a tfjs user who profiled would write this.
// Batches: 60 training images drawn uniformly with replacement (a seeded JS generator).
//
// Timing: every step (building the batch tensors, forward, backward, update, reading the loss back) is timed
// on its own; the steps are grouped in chunks (--chunk, 50 by default) and the first chunk is the warm-up.
// Reported: the median over the remaining chunks of each chunk's mean ms/step (wall clock, and the same of the
// process's CPU time, which other load on the machine disturbs less), and the overall mean.
//
// Checked against bench/peer/torch_fig1.py: given PyTorch's initial weights and batches, both variants here
// reproduce its losses over 20 steps and its eval-mode logits to float32 rounding (within 1e-6), with and
// without batch norm.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { steps: 300, chunk: 50, seed: 1, nets: ['no_bn', 'bn'], matmul: ['autodiff', 'transposed'], eval: true,
                 wasmDir: null, data: null };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i], next = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--steps') opts.steps = Number(next());
    else if (a === '--chunk') opts.chunk = Number(next());
    else if (a === '--seed') opts.seed = Number(next());
    else if (a === '--bn') opts.nets = ['bn'];
    else if (a === '--no-bn') opts.nets = ['no_bn'];
    else if (a === '--both') opts.nets = ['no_bn', 'bn'];
    else if (a === '--no-eval') opts.eval = false;
    else if (a === '--matmul') {
      const v = next();
      if (!['autodiff', 'transposed', 'both'].includes(v)) throw new UsageError('--matmul takes autodiff, transposed or both');
      opts.matmul = v === 'both' ? ['autodiff', 'transposed'] : [v];
    }
    else if (a === '--wasm-dir') opts.wasmDir = next();
    else if (a === '--data') opts.data = next();
    else throw new UsageError(`unknown option ${a}`);
  }
  if (!(Number.isInteger(opts.steps) && opts.steps > 0 && Number.isInteger(opts.chunk) && opts.chunk > 0))
    throw new UsageError('--steps and --chunk must be positive integers');
  if (!opts.wasmDir || !opts.data) throw new UsageError('--wasm-dir and --data are required (tfjs-fig1.mjs passes them)');
  return opts;
}

// An IDX file of unsigned bytes: big-endian magic 0x0000 08 DD, DD big-endian uint32 sizes, then the data.
function readIdx(path) {
  const buf = readFileSync(path);
  if (buf.readUInt16BE(0) !== 0 || buf[2] !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file`);
  const ndim = buf[3], dims = [];
  for (let d = 0; d < ndim; ++d) dims.push(buf.readUInt32BE(4 + 4 * d));
  const data = new Uint8Array(buf.buffer, buf.byteOffset + 4 + 4 * ndim, buf.length - 4 - 4 * ndim);
  if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${path}: size does not match ${dims}`);
  return { dims, data };
}

function loadPart(dir, prefix) {
  const images = readIdx(join(dir, `${prefix}-images-idx3-ubyte`));
  const labels = readIdx(join(dir, `${prefix}-labels-idx1-ubyte`));
  const n = images.dims[0], features = images.dims[1] * images.dims[2];
  const x = new Float32Array(n * features);
  for (let i = 0; i < x.length; ++i) x[i] = images.data[i] >= 128 ? 1 : 0;
  return { n, features, x, y: labels.data };
}

// mulberry32: a small seeded generator for the batch indices.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WIDTHS = [784, 100, 100, 100, 10], BATCH = 60, LR = 0.01, MOMENTUM = 0.9, EPS = 1e-5, BN_MOMENTUM = 0.1;

function makeNet(bn, seed) {
  const layers = [];
  for (let l = 0; l < 4; ++l) {
    const [fanIn, fanOut] = [WIDTHS[l], WIDTHS[l + 1]];
    const hidden = l < 3, useBn = bn && hidden;
    const layer = { w: tf.variable(tf.randomNormal([fanIn, fanOut], 0, 0.01, 'float32', seed * 100 + l)) };
    if (useBn) {
      layer.gamma = tf.variable(tf.ones([fanOut]));
      layer.beta = tf.variable(tf.zeros([fanOut]));
      layer.runningMean = tf.variable(tf.zeros([fanOut]), false);
      layer.runningVar = tf.variable(tf.ones([fanOut]), false);
    } else {
      layer.b = tf.variable(tf.zeros([fanOut]));
    }
    layers.push(layer);
  }
  const params = layers.flatMap(L => [L.w, L.b, L.gamma, L.beta].filter(Boolean));
  const velocity = params.map(p => tf.variable(tf.zerosLike(p), false));
  return { bn, layers, params, velocity };
}

// h W with a backward pass of untransposed matMuls: dL/dh = dL/dz T(W), dL/dW = T(h) dL/dz.
const matMulTransposedGrad = tf.customGrad((h, w, save) => {
  save([h, w]);
  return { value: tf.matMul(h, w),
           gradFunc: (dz, [hs, ws]) => [tf.matMul(dz, tf.transpose(ws)), tf.matMul(tf.transpose(hs), dz)] };
});
// x W for the input layer: the images need no gradient, so only dL/dW = T(x) dL/dz. customGrad gives gradients
// to its tensor arguments only, so the batch comes in through inputBatch.
let inputBatch = null;
const inputMatMulTransposedGrad = tf.customGrad((w, save) => {
  const x = inputBatch;
  save([x]);
  return { value: tf.matMul(x, w), gradFunc: (dz, [xs]) => [tf.matMul(tf.transpose(xs), dz)] };
});

function product(h, w, first, matmul) {
  if (matmul !== 'transposed') return tf.matMul(h, w);
  if (!first) return matMulTransposedGrad(h, w);
  inputBatch = h;
  return inputMatMulTransposedGrad(w);
}

// Logits for a batch. In training mode, batch statistics, and the running estimates are updated (off the tape's
// path to the loss, so they get no gradient); in eval mode, the running estimates.
function forward(net, x, training, matmul = 'autodiff') {
  let h = x;
  net.layers.forEach((L, l) => {
    let z = training ? product(h, L.w, l === 0, matmul) : tf.matMul(h, L.w);
    if (L.gamma) {
      let mean, variance;
      if (training) {
        ({ mean, variance } = tf.moments(z, 0));
        const n = z.shape[0];
        L.runningMean.assign(tf.add(tf.mul(L.runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
        L.runningVar.assign(tf.add(tf.mul(L.runningVar, 1 - BN_MOMENTUM), tf.mul(variance, BN_MOMENTUM * n / (n - 1))));
      } else {
        mean = L.runningMean;
        variance = L.runningVar;
      }
      z = tf.add(tf.mul(tf.mul(tf.sub(z, mean), tf.rsqrt(tf.add(variance, EPS))), L.gamma), L.beta);
    } else {
      z = tf.add(z, L.b);
    }
    h = l < 3 ? tf.sigmoid(z) : z;
  });
  return h;
}

// Softmax cross-entropy, mean over the batch, from one-hot labels.
const crossEntropy = (logits, oneHot) => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)));

function trainStep(net, xb, yb, matmul) {
  return tf.tidy(() => {
    const x = tf.tensor2d(xb, [BATCH, WIDTHS[0]]);
    const y = tf.tensor2d(yb, [BATCH, 10]);
    const { value, grads } = tf.variableGrads(() => crossEntropy(forward(net, x, true, matmul), y), net.params);
    net.params.forEach((p, i) => {
      const v = net.velocity[i];
      v.assign(tf.add(tf.mul(v, MOMENTUM), grads[p.name]));
      p.assign(tf.sub(p, tf.mul(v, LR)));
    });
    return value.dataSync()[0];
  });
}

function testAccuracy(net, test) {
  let correct = 0;
  for (let start = 0; start < test.n; start += 2000) {
    const n = Math.min(2000, test.n - start);
    const predicted = tf.tidy(() => {
      const x = tf.tensor2d(test.x.subarray(start * test.features, (start + n) * test.features), [n, test.features]);
      return tf.argMax(forward(net, x, false), 1).dataSync();
    });
    for (let i = 0; i < n; ++i) correct += predicted[i] === test.y[start + i] ? 1 : 0;
  }
  return correct / test.n;
}

const median = a => {
  const s = [...a].sort((p, q) => p - q), n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
};
const mean = a => a.reduce((p, q) => p + q, 0) / a.length;

function run(name, matmul, train, test, opts) {
  const net = makeNet(name === 'bn', opts.seed);
  const random = rng(opts.seed + 1000);
  const xb = new Float32Array(BATCH * WIDTHS[0]), yb = new Float32Array(BATCH * 10);
  const times = [], cpuTimes = [], losses = [];
  const tensorsBefore = tf.memory().numTensors;
  for (let step = 0; step < opts.steps; ++step) {
    const cpuStart = process.cpuUsage(), start = performance.now();
    yb.fill(0);
    for (let i = 0; i < BATCH; ++i) {
      const k = Math.floor(random() * train.n);
      xb.set(train.x.subarray(k * train.features, (k + 1) * train.features), i * train.features);
      yb[i * 10 + train.y[k]] = 1;
    }
    losses.push(trainStep(net, xb, yb, matmul));
    times.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  const chunkMeans = a => {
    const chunks = [];
    for (let i = 0; i < a.length; i += opts.chunk) chunks.push(mean(a.slice(i, i + opts.chunk)));
    return chunks.length > 1 ? chunks.slice(1) : chunks;  // the first chunk is the warm-up
  };
  const timed = chunkMeans(times), cpuTimed = chunkMeans(cpuTimes);
  const result = {
    msPerStep: median(timed), msPerStepOverall: mean(times), minChunk: Math.min(...timed), cpuMsPerStep: median(cpuTimed),
    firstLoss: mean(losses.slice(0, opts.chunk)), finalLoss: mean(losses.slice(-opts.chunk)),
    testAccuracy: opts.eval ? testAccuracy(net, test) : null, leakedTensors: leaked, chunks: timed.length,
  };
  console.log(`-- ${name}, matmul ${matmul}: ${result.msPerStep.toFixed(3)} ms/step (median of ${timed.length} chunks of ` +
              `${opts.chunk} after a warm-up chunk; CPU ${result.cpuMsPerStep.toFixed(3)}), ` +
              `${result.msPerStepOverall.toFixed(3)} overall; mean train loss ${result.firstLoss.toFixed(4)} over the ` +
              `first ${opts.chunk} steps -> ${result.finalLoss.toFixed(4)} over the last ${opts.chunk}` +
              (opts.eval ? `; test accuracy ${(100 * result.testAccuracy).toFixed(2)}%` : '') +
              (leaked ? `; WARNING: ${leaked} tensors leaked` : ''));
  tf.dispose([...net.params, ...net.velocity, ...net.layers.flatMap(L => [L.runningMean, L.runningVar].filter(Boolean))]);
  return result;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  setWasmPaths(opts.wasmDir.endsWith('/') ? opts.wasmDir : opts.wasmDir + '/');
  setThreadsCount(1);  // one core, like the native peer and our workers
  await tf.setBackend('wasm');
  await tf.ready();
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const t0 = performance.now();
  const train = loadPart(opts.data, 'train'), test = loadPart(opts.data, 't10k');
  console.log(`tfjs-core ${tf.version_core}, backend ${tf.getBackend()}, 1 thread, SIMD ${simd}; MNIST ` +
              `${train.n} train / ${test.n} test images (${((performance.now() - t0) / 1000).toFixed(1)} s to load); ` +
              `${opts.steps} steps per net, batch ${BATCH} drawn uniformly with replacement, seed ${opts.seed}`);
  const summary = { peer: 'tfjs-wasm', tfjs_version: tf.version_core, threads: 1, simd, steps: opts.steps, batch: BATCH,
                    seed: opts.seed, sampling: 'uniform with replacement', matmul: opts.matmul };
  for (const matmul of opts.matmul) {
    // Keys without a suffix: plain autodiff (or the only variant that ran); the other gets _transposed.
    const suffix = matmul === 'transposed' && opts.matmul.length > 1 ? '_transposed' : '';
    for (const name of opts.nets) {
      const r = run(name, matmul, train, test, opts);
      summary[`${name}_ms_per_step${suffix}`] = r.msPerStep;
      summary[`${name}_ms_per_step_overall${suffix}`] = r.msPerStepOverall;
      summary[`${name}_cpu_ms_per_step${suffix}`] = r.cpuMsPerStep;
      summary[`${name}_first_train_loss${suffix}`] = r.firstLoss;
      summary[`${name}_final_train_loss${suffix}`] = r.finalLoss;
      if (r.testAccuracy !== null) summary[`${name}_test_accuracy${suffix}`] = r.testAccuracy;
    }
  }
  console.log('RESULT ' + JSON.stringify(summary));
}
main().catch(e => { console.error(e instanceof UsageError ? `tfjs-fig1: ${e.message}` : e); process.exit(e instanceof UsageError ? 2 : 1); });
