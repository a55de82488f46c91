// A saved run draws its steps as the live run did (issue 20): a short run trained by the wasm module is
// written by the page's own writer (run-file.js runFileJson, with each report's kept arrays from
// Training.kept()), read back by the page's reader, and handed to the core's KeptReports (the saved-run
// module, layerscope_saved.wasm), as a column's worker does (worker/saved-reports.js). At every kept step the summaries and the histograms of every
// tensor kind, on every axis the views ask for, are the live session's, number for number; and arrays the
// core cannot take are refused naming them.
//
// Needs the MNIST pack in build-wasm/data/ or dist/data/ (./build-wasm.sh writes both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadForNode, loadSavedRunsForNode, root } from './load.mjs';
import { readRunFile, runFileJson } from '../../web/src/run-file.js';
import { ReportStore } from '../../web/src/training/snapshots.js';

const packPath = [join(root, 'build-wasm', 'data', 'mnist-binary.bin'), join(root, 'dist', 'data', 'mnist-binary.bin')].find(existsSync);
if (!packPath) throw new Error('the MNIST pack is not built: run ./build-wasm.sh first');
const ls = await loadForNode();
const savedRuns = await loadSavedRunsForNode();  // the module the column workers fetch for a saved run
ls.loadMnist(readFileSync(packPath));

// Two columns of a short Figure 1 pair (sigmoid, 3 x 100; B with batch norm): a report every 20 steps.
const SETTINGS = { steps: 60, log_every: 20, test_samples: 200 };
function trainColumn(preset) {
  const training = ls.createTraining({ preset, ...SETTINGS });
  const store = new ReportStore(), kept = new Map();
  store.config = training.config;
  const keep = () => { const r = training.latest(); store.add(r); kept.set(r.step, training.kept(-1)); };
  keep();
  while (!training.step(SETTINGS.log_every).finished) keep();
  keep();
  return { training, store, kept };
}

// The views' requests: every kind, linear and symlog, each layer's own axis and a figure's shared one.
function requests(summaries) {
  const out = [];
  for (const kind of ls.tensorKinds)
    for (const binning of ['linear', 'symlog']) {
      out.push({ kind, options: { bins: 64, range: 'own', binning } });
      const finite = summaries[kind].filter(s => s && Number.isFinite(s.min));
      const lo = Math.min(...finite.map(s => s.min)), hi = Math.max(...finite.map(s => s.max));
      const smallestStd = Math.min(...finite.map(s => s.std).filter(x => x > 0));
      out.push({ kind, options: { bins: 40, range: [lo, hi], binning, figure: { lo, hi, smallestStd } } });
    }
  return out;
}

const plain = h => h && { edges: Array.from(h.edges), counts: Array.from(h.counts), zeros: h.zeros, outside: h.outside, nonfinite: h.nonfinite };

test('a run saved from a live session and read back draws every kept step as the live session does', () => {
  const columns = { a: trainColumn('bn-paper-fig1-baseline'), b: trainColumn('bn-paper-fig1') };
  const stores = { a: columns.a.store, b: columns.b.store };
  const text = JSON.stringify(runFileJson({ settings: { preset: 'fig1' }, settingsLines: [], runSeconds: 1, stores,
    kept: { a: columns.a.kept, b: columns.b.kept } }));
  const run = readRunFile(text);
  assert.equal(run.version, 2);
  for (const col of ['a', 'b']) {
    const { training } = columns[col];
    const reports = run.columns[col].reports;
    assert.deepEqual(reports.map(r => r.step), [0, 20, 40, 60]);
    const saved = savedRuns.createKeptReports();
    try {
      reports.forEach((r, index) => {
        assert.ok(r.kept, `step ${r.step} keeps its distributions`);
        assert.equal(saved.add(r.kept), index);
        const live = training.summaries(index), back = saved.summaries(index);
        assert.deepEqual(back, live, `column ${col}, step ${r.step}: summaries`);
        for (const { kind, options } of requests(live)) {
          const a = training.histograms(index, kind, options), b = saved.histograms(index, kind, options);
          assert.deepEqual(b.map(plain), a.map(plain), `column ${col}, step ${r.step}, ${kind} ${JSON.stringify(options)}`);
          assert.deepEqual(b.axis, a.axis);
        }
      });
      // Drawn at all: the last step's pre-activations of layer 1 have counts.
      const drawn = saved.histograms(3, 'pre_activation', { bins: 64, range: 'own', binning: 'linear' });
      assert.ok(drawn[1].counts.reduce((x, y) => x + y, 0) > 0);
    } finally {
      saved.free();
      training.free();
    }
  }
});

test('kept arrays the core cannot take are refused naming the array and what it must hold', () => {
  const { training, kept } = trainColumn('bn-paper-fig1');
  training.free();
  const good = kept.get(0), saved = savedRuns.createKeptReports();
  try {
    assert.throws(() => saved.add({ summaries: good.summaries.subarray(1), distributions: good.distributions }),
      e => e.field === 'summaries' && /must hold 85 numbers for each layer 0\.\.L/.test(e.message));
    assert.throws(() => saved.add({ summaries: good.summaries, distributions: good.distributions.subarray(134) }),
      e => e.field === 'distributions' && /must hold 134 counts for each of the 16 tensors the summaries hold \(got \d+\)/.test(e.message));
    assert.throws(() => saved.add({ summaries: Array.from(good.summaries), distributions: good.distributions }),
      e => e.field === 'summaries' && /must be a Float64Array/.test(e.message));
    const badFlag = good.summaries.slice();
    badFlag[0] = 2;
    assert.throws(() => saved.add({ summaries: badFlag, distributions: good.distributions }), e => e.field === 'summaries' && /0 or 1/.test(e.message));
    assert.throws(() => saved.summaries(0), e => e.field === 'report');
    assert.equal(saved.add(good), 0);
  } finally {
    saved.free();
  }
});
