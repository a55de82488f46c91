// The saved-run reader (web/src/run-file.js, issue 20's "Open a saved run"): a file "Download the whole run"
// writes is read back into the reports the training view keeps (typed arrays as the workers post them), and
// every kind of bad file is refused with a message naming what is wrong. The good file here is built by the
// page's own writer (runFileJson over a ReportStore) from a report of the shape worker/training-session.js posts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './load.mjs';
import { readRunFile, runFileJson, checkSize, RunFileError, MAX_RUN_FILE_BYTES, RUN_FILE_VERSION } from '../../web/src/run-file.js';
import { ReportStore } from '../../web/src/training/snapshots.js';

const DEPTH = 3, BINS = 4;
const LAYER = ['preMean', 'preStd', 'preP15', 'preP50', 'preP85', 'unitP15', 'unitP50', 'unitP85', 'activationStd',
  'deadFraction', 'saturatedFraction', 'nonfiniteFraction', 'doutputStd', 'dweightStd', 'updateRatioLog10',
  'histogramLo', 'histogramHi', 'histogramZero', 'histogramNonfinite'];

// A report as the worker posts it: layer 0 (the input) NaN; step 0's update ratios NaN (no update yet).
function report(step) {
  const r = { step, trainLoss: 2.3 - step / 1000, trainAccuracy: 0.1 + step / 10000, testLoss: 2.2, testAccuracy: step ? 0.5 : NaN,
    seconds: step / 100, depth: DEPTH, bins: BINS };
  LAYER.forEach((f, i) => { r[f] = Float64Array.from({ length: DEPTH + 1 }, (_, l) => (l === 0 || (step === 0 && f === 'updateRatioLog10') ? NaN : i + l / 10)); });
  r.histogramCounts = Uint32Array.from({ length: (DEPTH + 1) * BINS }, (_, i) => (i < BINS ? 0 : i));
  return r;
}

function goodDoc() {
  const stores = {};
  for (const col of ['a', 'b']) {
    const store = new ReportStore();
    store.config = { depth: DEPTH, width: 100, activation: 'sigmoid', normalization: col === 'b' ? 'batch' : 'none', placement: 'before',
      init: 'normal', steps: 200, log_every: 100, seed: 1, histogram_tensor: 'pre_activation' };
    for (const step of [0, 100, 200]) store.add(report(step));
    stores[col] = store;
  }
  return JSON.parse(JSON.stringify(runFileJson({ settings: { preset: 'fig1' }, settingsLines: ['A: ...'], runSeconds: 1.5, stores })));
}

const refused = (text, pattern) => assert.throws(() => readRunFile(typeof text === 'string' ? text : JSON.stringify(text), { name: 'run.json' }),
  e => e instanceof RunFileError && pattern.test(e.message), String(pattern));

test('a file the page wrote reads back into the reports it kept: typed arrays, NaN where it wrote null', () => {
  const doc = goodDoc();
  assert.equal(doc.version, RUN_FILE_VERSION);
  const run = readRunFile(JSON.stringify(doc));
  assert.equal(run.runSeconds, 1.5);
  assert.deepEqual(run.settings, { preset: 'fig1' });
  for (const col of ['a', 'b']) {
    const reports = run.columns[col].reports;
    assert.deepEqual(reports.map(r => r.step), [0, 100, 200]);
    const original = report(100);
    for (const f of LAYER) {
      assert.ok(reports[1][f] instanceof Float64Array, f);
      assert.deepEqual(Array.from(reports[1][f]), Array.from(original[f]), f);
    }
    assert.ok(reports[1].histogramCounts instanceof Uint32Array);
    assert.deepEqual(Array.from(reports[1].histogramCounts), Array.from(original.histogramCounts));
    assert.ok(Number.isNaN(reports[0].testAccuracy) && Number.isNaN(reports[0].updateRatioLog10[2]));
  }
});

test('a file from before the version field is read as version 1', () => {
  const doc = goodDoc();
  delete doc.version;
  assert.equal(readRunFile(JSON.stringify(doc)).columns.b.reports.length, 3);
});

test('broken JSON is refused as such', () => {
  const text = JSON.stringify(goodDoc());
  refused(text.slice(0, text.length / 2), /^run\.json is not valid JSON \(.*\); is it cut short or edited\?$/);
  refused('', /not valid JSON/);
});

test('NaN or Infinity written into the JSON is named', () => {
  const text = JSON.stringify(goodDoc()).replace('"runSeconds":1.5', '"runSeconds":NaN');
  refused(text, /holds NaN, which JSON cannot/);
  refused(JSON.stringify(goodDoc()).replace('"runSeconds":1.5', '"runSeconds":-Infinity'), /holds -Infinity/);
});

test('a number too large for a double (Infinity) where a number is expected names the field', () => {
  const doc = goodDoc();
  let text = JSON.stringify(doc).replace(/"trainLoss":[^,]+/, '"trainLoss":1e999');
  refused(text, /column A, report 1: trainLoss must be a finite number or null \(got Infinity\)/);
  doc.columns.b.reports[2].preStd[1] = 'NaN';
  refused(doc, /column B, report 3: preStd\[1\] must be a finite number or null \(got "NaN"\)/);
  text = JSON.stringify(goodDoc()).replace(/"histogramLo":\[null,[^,]+/, '"histogramLo":[null,-1e400');
  refused(text, /histogramLo\[1\] must be a finite number or null \(got -Infinity\)/);
});

test('foreign JSON is refused: not a Layerscope run, another kind, another version', () => {
  refused({ name: 'my-model', epochs: 3 }, /^run\.json is JSON, but not a Layerscope run: a saved run has "layerscope": "training run"/);
  refused([1, 2, 3], /JSON, but not a Layerscope run/);
  refused('42', /JSON, but not a Layerscope run/);
  refused({ layerscope: 'statistics' }, /is a Layerscope "statistics" file/);
  refused({ ...goodDoc(), version: 2 }, /^run\.json is a Layerscope run of version 2; this page reads version 1\.$/);
  refused({ ...goodDoc(), version: '1' }, /of version "1"/);
});

test('an oversized file is refused before it is parsed', () => {
  assert.throws(() => checkSize(MAX_RUN_FILE_BYTES + 1, 'big.json'), /^RunFileError: big\.json is 64\.0 MB: a saved run is at most 64 MB/);
  assert.doesNotThrow(() => checkSize(MAX_RUN_FILE_BYTES));
  const doc = goodDoc();
  doc.columns.a.reports = Array.from({ length: 1025 }, (_, i) => doc.columns.a.reports[0]);
  refused(doc, /column A: 1025 reports; a run keeps at most 1024 a column/);
});

test('a run missing its parts or with parts of the wrong shape says which', () => {
  let doc = goodDoc(); delete doc.columns.b;
  refused(doc, /column B is missing/);
  doc = goodDoc(); delete doc.columns.a.config.normalization;
  refused(doc, /column A: its config has no "normalization"/);
  doc = goodDoc(); doc.columns.a.reports = [];
  refused(doc, /column A: "reports" must be a list of at least one report/);
  doc = goodDoc(); doc.columns.b.reports[1].preP50 = [0, 1];
  refused(doc, /column B, report 2: preP50 holds 2 numbers; a network of depth 3 has 4/);
  doc = goodDoc(); delete doc.columns.b.reports[1].unitP15;
  refused(doc, /column B, report 2: unitP15 is missing/);
  doc = goodDoc(); doc.columns.b.reports[1].histogramCounts.pop();
  refused(doc, /histogramCounts must be a list of 16 counts/);
  doc = goodDoc(); doc.columns.b.reports[1].histogramCounts[5] = -1;
  refused(doc, /histogramCounts\[5\] must be a whole count from 0 \(got -1\)/);
  doc = goodDoc(); doc.columns.a.reports[2].step = 100;
  refused(doc, /column A, report 3: step 100 does not follow step 100/);
  doc = goodDoc(); doc.columns.a.reports[0].depth = 5;
  refused(doc, /depth 5 is not its config's 3/);
});

test('a config the core refuses is refused with the core\'s words (checkConfig)', () => {
  assert.throws(() => readRunFile(JSON.stringify(goodDoc()), { checkConfig: (c, col) => (col === 'b' ? 'depth: must be at most 2' : null) }),
    /column B: config depth: must be at most 2/);
});

test('the example run the site ships (web/runs/fig1.json) reads, and is a finished Figure 1', { skip: !existsSync(join(root, 'web', 'runs', 'fig1.json')) }, () => {
  const text = readFileSync(join(root, 'web', 'runs', 'fig1.json'), 'utf8');
  const run = readRunFile(text);
  for (const col of ['a', 'b']) {
    const { config, reports } = run.columns[col];
    assert.equal(reports.at(-1).step, config.steps);
    assert.equal(config.steps, 50000);
  }
  assert.ok(run.columns.b.reports.at(-1).testAccuracy > 0.95);
  assert.ok(text.length < 600 * 1024, `${text.length} bytes`);
});
