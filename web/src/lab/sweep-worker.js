// A worker of the evidence lab's sweeps (bundled to dist/lab-sweep-worker.js; the page runs two, one per
// column, so A's and B's runs of a learning-rate sweep go side by side on two cores). It owns one instance
// of the lab's own wasm module (layerscope.js loadLab: never the main module) and runs one request at a
// time; Cancel terminates it (a run is one synchronous call of a few seconds), and the page makes new ones.
//
// Protocol (page -> worker): {id, type: 'init', module, data}  module: the compiled layerscope_lab.wasm
//                                     (WebAssembly.Module); data: the MNIST pack's bytes (ArrayBuffer) or null
//                            {id, type: 'plan', settings}
//                            {id, type: 'points', settings, column, indices}  runs one after another
//                            {id, type: 'result', settings, a, b}             the core's summary and caption
//                            {id, type: 'depth', settings}
//           (worker -> page): {id, value}  the answer ('init': {sweep, depth}, the two schemas)
//                             {id, partial}  'points': {column, index, point} after each run;
//                                            'depth': {done, total} after each network
//                             {id, error, field}  a refusal naming the field, or a failure (field null)
import { loadLab } from '../layerscope.js';

let lab = null;

const handlers = {
  async init({ module, data }) {
    lab ??= await loadLab({ wasmModule: module });
    if (data) lab.loadMnist(new Uint8Array(data));
    return { sweep: lab.sweepSchema, depth: lab.depthSweepSchema };
  },
  plan: ({ settings }) => lab.sweepPlan(settings),
  points({ id, settings, column, indices }) {
    for (const index of indices)
      self.postMessage({ id, partial: { column, index, point: lab.sweepPoint(settings, column, index) } });
    return null;
  },
  result: ({ settings, a, b }) => lab.sweepResult(settings, a, b),
  depth: ({ id, settings }) => lab.depthSweep(settings, (done, total) => self.postMessage({ id, partial: { done, total } })),
};

self.onmessage = async event => {
  const msg = event.data || {};
  try {
    if (!handlers[msg.type]) throw new Error(`unknown request '${msg.type}'`);
    if (msg.type !== 'init' && !lab) throw new Error('the lab module is not loaded (init first)');
    self.postMessage({ id: msg.id, value: await handlers[msg.type](msg) });
  } catch (e) {
    self.postMessage({ id: msg.id, error: String((e && e.message) || e), field: (e && e.field) || null });
  }
};
