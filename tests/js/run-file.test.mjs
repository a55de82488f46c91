// The saved-run reader (web/src/run-file.js, issue 20's "Open a saved run"): a file "Download the whole run"
// writes is read back into the reports the training view keeps (typed arrays as the workers post them), and
// every kind of bad file is refused with a message naming what is wrong. The good file here is built by the
// page's own writer (runFileJson over a ReportStore) from a report of the shape worker/training-session.js posts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './load.mjs';
import { readRunFile, runFileJson, keptSteps, checkSize, RunFileError, MAX_RUN_FILE_BYTES, RUN_FILE_VERSION } from '../../web/src/run-file.js';
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

// What Training.kept() gives of a report (the reader checks only the lengths; the core the numbers):
// 85 summary numbers a layer, 2 x (64 + 3) counts for each of 16 tensors.
function keptArrays(step) {
  return { summaries: Float64Array.from({ length: (DEPTH + 1) * 85 }, (_, i) => (i % 7 ? step + i / 3 : NaN)),
    distributions: Uint32Array.from({ length: 16 * 134 }, (_, i) => (i * 2654435761) >>> (step % 5)), fineBins: 64 };
}

function goodDoc({ kept = false, probed = false } = {}) {
  const stores = {};
  for (const col of ['a', 'b']) {
    const store = new ReportStore();
    store.config = { depth: DEPTH, width: 100, activation: 'sigmoid', normalization: col === 'b' ? 'batch' : 'none', placement: 'before',
      init: 'normal', steps: 200, log_every: 100, seed: 1, histogram_tensor: 'pre_activation' };
    for (const step of [0, 100, 200]) store.add(probed ? { ...report(step), probes: probes(step) } : report(step));
    stores[col] = store;
  }
  const keptMaps = kept ? { a: new Map([0, 200].map(s => [s, keptArrays(s)])), b: new Map([0, 200].map(s => [s, keptArrays(s)])) } : {};
  return JSON.parse(JSON.stringify(runFileJson({ settings: { preset: 'fig1' }, settingsLines: ['A: ...'], runSeconds: 1.5, stores, kept: keptMaps })));
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

test('version 2: the kept arrays of the steps that have them read back bit for bit, NaN included', () => {
  const run = readRunFile(JSON.stringify(goodDoc({ kept: true })));
  assert.equal(run.version, 2);
  for (const col of ['a', 'b']) {
    const [r0, r100, r200] = run.columns[col].reports;
    assert.equal(r100.kept, undefined, 'step 100 was not given kept arrays');
    for (const r of [r0, r200]) {
      const want = keptArrays(r.step);
      assert.ok(r.kept.summaries instanceof Float64Array && r.kept.distributions instanceof Uint32Array);
      assert.deepEqual(Array.from(r.kept.summaries), Array.from(want.summaries));
      assert.deepEqual(Array.from(r.kept.distributions), Array.from(want.distributions));
      assert.equal(r.kept.fineBins, 64);
    }
  }
  // Written again (a saved run downloaded again), the same file.
  const doc = goodDoc({ kept: true });
  const stores = Object.fromEntries(['a', 'b'].map(col => {
    const store = new ReportStore();
    store.config = run.columns[col].config;
    run.columns[col].reports.forEach(r => store.add(r));
    return [col, store];
  }));
  const again = JSON.parse(JSON.stringify(runFileJson({ settings: doc.settings, settingsLines: doc.settingsLines, runSeconds: 1.5, stores })));
  assert.deepEqual(again.columns.b.reports.map(r => r.kept), doc.columns.b.reports.map(r => r.kept));
});

test('version 2: at most `most` steps keep their arrays, spread over the run with the first and the last', () => {
  const steps = Array.from({ length: 101 }, (_, i) => 500 * i);
  assert.deepEqual([...keptSteps(steps, 11)], Array.from({ length: 11 }, (_, i) => 5000 * i));
  assert.equal(keptSteps(steps, 128).size, 101);
});

test('version 2: bad kept arrays are refused naming the field and what it must be', () => {
  let doc = goodDoc({ kept: true }); doc.columns.a.reports[0].kept.summaries = 'not base64!';
  refused(doc, /column A, report 1: kept\.summaries must be base64 text of little-endian numbers \(Float64Array\) \(got "not base64!"\)/);
  doc = goodDoc({ kept: true }); doc.columns.a.reports[0].kept.distributions = 'QUJD=';
  refused(doc, /kept\.distributions must be base64 text of little-endian counts \(Uint32Array\)/);
  doc = goodDoc({ kept: true }); doc.columns.a.reports[0].kept.summaries = btoa('123456789012');
  refused(doc, /kept\.summaries holds 12 bytes, not a whole number of 8-byte numbers/);
  doc = goodDoc({ kept: true }); doc.columns.b.reports[2].kept.summaries = btoa('\0'.repeat(8 * 6));
  refused(doc, /column B, report 3: kept\.summaries holds 6 numbers: it must hold the same number for each of the 4 layers 0\.\.3/);
  doc = goodDoc({ kept: true }); doc.columns.b.reports[2].kept.distributions = btoa('\0'.repeat(4 * 100));
  refused(doc, /kept\.distributions holds 100 counts: it must hold 134 \(2 x \(keptFineBins \+ 3\)\) for each tensor/);
  doc = goodDoc({ kept: true }); doc.columns.b.reports[2].kept = [1, 2];
  refused(doc, /kept must be \{summaries, distributions\} \(got \[1,2\]\)/);
  doc = goodDoc({ kept: true }); doc.keptFineBins = 0;
  refused(doc, /run\.json: keptFineBins must be an integer from 1 to 4096, or null when no report keeps its distributions \(got 0\)/);
  doc = goodDoc({ kept: true }); doc.version = 1;
  refused(doc, /column A, report 1: kept: a report keeps distributions only in a version 2 file with keptFineBins/);
});

test('the pair a built run was built from (builtFrom) reads back as written; a file without one reads null', () => {
  const pair = { a: { depth: 6, width: 50, activation: 'tanh', normalization: 'none', bias: false, seed: 1 },
    b: { depth: 6, width: 50, activation: 'tanh', normalization: 'batch', bias: false, seed: 1 } };
  const doc = goodDoc();
  assert.equal(readRunFile(JSON.stringify(doc)).builtFrom, null);
  assert.equal('builtFrom' in doc, false, 'a preset pair writes none');
  const withPair = { ...doc, builtFrom: pair };
  assert.deepEqual(readRunFile(JSON.stringify(withPair)).builtFrom, pair);
  refused({ ...doc, builtFrom: 'depth=6' }, /builtFrom must be the pair the run was built from, \{a, b\}/);
  refused({ ...doc, builtFrom: { a: pair.a } }, /builtFrom must be/);
  refused({ ...doc, builtFrom: { a: pair.a, b: { depth: [6] } } }, /builtFrom must be/);
});

// A report's probes as the worker posts them (src/wasm/training_session.cpp probes_to_js, one report):
// report-wide numbers one each, per layer depth + 2 (NaN at the input), per step size stepCount.
function probes(step) {
  const wide = ['loss', 'gradientNorm', 'lossSpread', 'lossSpreadRelative', 'predictiveness', 'predictivenessRelative',
    'effectiveSmoothness', 'seconds'];
  const p = { layers: DEPTH + 2, stepCount: 3 };
  wide.forEach((name, i) => { p[name] = Float64Array.of(step ? step + i : NaN); });
  for (const name of ['shiftDistance', 'shiftRelative', 'shiftCosine', 'effectiveRank'])
    p[name] = Float64Array.from({ length: DEPTH + 2 }, (_, l) => (l === 0 ? NaN : step / 100 + l));
  for (const name of ['stepSizes', 'stepLosses', 'gradientChanges']) p[name] = Float64Array.from({ length: 3 }, (_, k) => 10 ** (k - 2));
  return p;
}

// A file the page wrote of a run with probes (the writer turns their typed arrays into lists, NaN into null).
const probedDoc = () => goodDoc({ probed: true });

test("a run with the lab's probes reads them back as the worker posted them (the lab's figures draw from them)", () => {
  const run = readRunFile(JSON.stringify(probedDoc()));
  for (const col of ['a', 'b']) {
    run.columns[col].reports.forEach(r => {
      const original = probes(r.step);
      assert.equal(r.probes.layers, DEPTH + 2);
      assert.equal(r.probes.stepCount, 3);
      for (const [name, values] of Object.entries(original)) {
        if (!ArrayBuffer.isView(values)) continue;
        assert.ok(r.probes[name] instanceof Float64Array, name);
        assert.deepEqual(Array.from(r.probes[name]), Array.from(values), `${name} at step ${r.step}`);
      }
    });
  }
  assert.equal(readRunFile(JSON.stringify(goodDoc())).columns.a.reports[0].probes, undefined, 'a run without probes has none');
});

test('bad probes are refused naming the list and what it must hold', () => {
  let doc = probedDoc(); doc.columns.a.reports[1].probes.layers = 4;
  refused(doc, /column A, report 2: probes: layers must be 5 \(the input, 3 layers and the loss; got 4\)/);
  doc = probedDoc(); doc.columns.b.reports[0].probes.stepCount = 99;
  refused(doc, /column B, report 1: probes: stepCount must be an integer from 0 to 32 \(got 99\)/);
  doc = probedDoc(); doc.columns.b.reports[2].probes.shiftRelative = [1, 2];
  refused(doc, /report 3: probes: shiftRelative must be a list of 5 numbers, one a layer \(got \[1,2\]\)/);
  doc = probedDoc(); doc.columns.a.reports[0].probes.stepSizes[1] = 'x';
  refused(doc, /probes: stepSizes\[1\] must be a finite number or null \(got "x"\)/);
  doc = probedDoc(); delete doc.columns.a.reports[0].probes.gradientNorm;
  refused(doc, /probes: gradientNorm must be a list of one number \(got nothing\)/);
  doc = probedDoc(); doc.columns.a.reports[0].probes = [1];
  refused(doc, /probes must be the lab's numbers of the step, an object \(got \[1\]\)/);
});

test('a version 1 file reads, with no kept arrays', () => {
  const doc = goodDoc();
  doc.version = 1;
  delete doc.keptFineBins;
  const run = readRunFile(JSON.stringify(doc));
  assert.equal(run.version, 1);
  assert.ok(run.columns.a.reports.every(r => r.kept === undefined));
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
  refused({ ...goodDoc(), version: 3 }, /^run\.json is a Layerscope run of version 3; this page reads versions 1 and 2\.$/);
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
  // Version 2, with the kept distributions of every 5,000th step (make-example-run.mjs --kept-steps 11):
  // 712 KB, 250 KB gzipped when it was made.
  assert.equal(run.version, 2);
  for (const col of ['a', 'b'])
    assert.deepEqual(run.columns[col].reports.filter(r => r.kept).map(r => r.step), Array.from({ length: 11 }, (_, i) => 5000 * i));
  assert.ok(text.length < 800 * 1024, `${text.length} bytes`);
});
