// The saved-run file (issue 20, "Open a saved run"): what "Download the whole run" writes, and the reader
// that takes such a file back, checks every part of it, and returns the run as the training view keeps it
// (each column's config and its reports, with typed arrays as the workers post them), or a message naming
// what is wrong. Pure: no DOM, no wasm, so Node's tests read files with it as the page does.
//
// The file (version 2):
//   {layerscope: 'training run', version: 2, settings: {the view's t.* settings}, settingsLines: [text],
//    runSeconds, keptFineBins, columns: {a, b}}, each column {config, reportsMade, reportsKept, reports: [report]}.
// A report: step, trainLoss, trainAccuracy, testLoss, testAccuracy, seconds (numbers; null for NaN, as
// JSON has no NaN), depth, bins, per-layer arrays of depth + 1 numbers (preMean ... histogramNonfinite;
// index 0, the input, null) and histogramCounts, (depth + 1) * bins counts (layer l's bins at l * bins);
// probes: the evidence lab's numbers of the step (a run with probes; else null or absent), the core's layout
// (src/wasm/training_session.cpp probes_to_js): layers (depth + 2) and stepCount (K), then lists of numbers
// (null for NaN): report-wide PROBE_WIDE (1 each), per layer PROBE_PER_LAYER (layers each), per step size
// PROBE_PER_STEP (K each). Read back, they draw the lab's figures as the live run did.
// Version 2 adds, to the reports whose step it keeps (keptSteps), `kept`: what the core keeps of the step
// to redraw any tensor kind on any axis (src/wasm/kept_reports.hpp), as base64 of little-endian arrays:
//   summaries      Float64Array, (depth + 1) x kinds x summary fields: every tensor's summary
//   distributions  Uint32Array, per tensor present, 2 x (keptFineBins + 3): its kept fine histograms,
//                  linear then symlog, each keptFineBins counts then its zeros, outside and non-finite
// The page hands these to the core (a column worker's KeptReports), which draws the step's histograms,
// depth profile, bands and story exactly as the live run did. Version 1 files (and files written before
// `version` existed, read as version 1) have no `kept`: their steps draw no histograms, and say so.
// Optional in both versions: builtFrom, {a, b}, the init-time view's pair a run of the built pair
// (t.preset=built) was built from, each column's settings as that view holds them (state.js
// columnConfig); a page whose init view shows that very pair draws the file's steps there too.

export const RUN_FILE_KIND = 'training run';
export const RUN_FILE_VERSION = 2;
const VERSIONS_READ = [1, 2];
// The largest file read: a run keeps at most 1,024 reports a column (snapshots.js), about 6 KB each for
// the 20-layer nets, some 40 MB as JSON for both; a bigger file is not one the page wrote.
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_REPORTS = 1024;

const COLUMNS = ['a', 'b'];
const SCALARS = ['step', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'seconds'];
// The per-layer fields the views draw from (every one a report holds is read; these must be there).
const LAYER_FIELDS = ['preP15', 'preP50', 'preP85', 'unitP15', 'unitP50', 'unitP85', 'preStd', 'doutputStd',
  'updateRatioLog10', 'histogramLo', 'histogramHi', 'histogramZero', 'histogramNonfinite'];
// The config fields the views and the exports' settings lines read.
// A report's fields that are not per-layer arrays: read apart (kept), or not read (keep, the store's;
// byTensor, an older page's copy of what kept redraws), or read apart (probes).
const NOT_PER_LAYER = ['histogramCounts', 'kept', 'keep', 'byTensor', 'probes'];
const PROBE_WIDE = ['loss', 'gradientNorm', 'lossSpread', 'lossSpreadRelative', 'predictiveness', 'predictivenessRelative',
  'effectiveSmoothness', 'seconds'];
const PROBE_PER_LAYER = ['shiftDistance', 'shiftRelative', 'shiftCosine', 'effectiveRank'];
const PROBE_PER_STEP = ['stepSizes', 'stepLosses', 'gradientChanges'];
const MAX_PROBE_STEPS = 32;  // the training field probe_steps' largest value (src/core/training_config.cpp)
const CONFIG_FIELDS = ['depth', 'width', 'activation', 'normalization', 'placement', 'init', 'steps', 'log_every', 'seed'];

export class RunFileError extends Error {
  constructor(message) {
    super(message);
    this.name = 'RunFileError';
  }
}

// The JSON object of a run: settings (the view's), configs {a, b}, runSeconds, each column's store
// (snapshots.js ReportStore: its toJSON is the column's part of the file), and kept: {a, b}, each a Map
// from a step to its {summaries, distributions, fineBins} (Training.kept(); a read-back report's own
// `kept` serves too), written for the steps keptSteps chooses.
export function runFileJson({ settings, settingsLines, runSeconds, stores, kept = {}, most = MAX_KEPT_STEPS, builtFrom = null }) {
  let keptFineBins = null;
  const columns = Object.fromEntries(COLUMNS.map(c => {
    const json = stores[c].toJSON();
    const chosen = keptSteps(stores[c].reports.map(r => r.step), most);
    json.reports.forEach((r, i) => {
      const arrays = kept[c]?.get(r.step) ?? stores[c].reports[i].kept;
      if (!arrays || !chosen.has(r.step)) return;
      keptFineBins ??= arrays.fineBins;
      r.kept = { summaries: toBase64(arrays.summaries), distributions: toBase64(arrays.distributions) };
    });
    return [c, json];
  }));
  const doc = { layerscope: RUN_FILE_KIND, version: RUN_FILE_VERSION, settings, settingsLines, runSeconds, keptFineBins, columns };
  if (builtFrom) doc.builtFrom = builtFrom;
  return doc;
}

// The steps whose kept distributions a file carries: all of them up to `most`, else `most` of them spread
// evenly over the run (the first and the last always). Each costs some 15 KB of JSON for a Figure 1 net
// and 90 KB for a 20-layer one: a whole 50,000-step Figure 1 run (101 reports) would be 3 MB.
export const MAX_KEPT_STEPS = 128;
export function keptSteps(steps, most = MAX_KEPT_STEPS) {
  if (steps.length <= most) return new Set(steps);
  const chosen = new Set();
  for (let i = 0; i < most; ++i) chosen.add(steps[Math.round((i * (steps.length - 1)) / (most - 1))]);
  return chosen;
}

// A typed array as base64 of its bytes, and back: little-endian, the byte order of every platform the
// page and Node run on (wasm's own).
function toBase64(array) {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text, Type, where) {
  const name = Type === Float64Array ? 'numbers (Float64Array)' : 'counts (Uint32Array)';
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
    throw new RunFileError(`${where} must be base64 text of little-endian ${name} (got ${show(text)}).`);
  const binary = atob(text), size = Type.BYTES_PER_ELEMENT;
  if (binary.length % size !== 0) throw new RunFileError(`${where} holds ${binary.length} bytes, not a whole number of ${size}-byte ${name}.`);
  return new Type(Uint8Array.from(binary, ch => ch.charCodeAt(0)).buffer);
}

// A file's text (or its size alone first: checkSize) -> {settings, settingsLines, runSeconds,
// columns: {a: {config, reportsMade, reports}, b}}, reports with Float64Array per-layer fields (NaN for
// null) and a Uint32Array histogramCounts. Throws RunFileError naming what is wrong. options.checkConfig
// (optional): (config, col) -> null or a message, the core's judgement of a column's config.
export function readRunFile(text, { name = 'the file', checkConfig = null } = {}) {
  checkSize(text.length, name);
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const nonJson = /(?<![\w\"])(NaN|-?Infinity)(?![\w\"])/.exec(text);
    throw new RunFileError(nonJson
      ? `${name} is not valid JSON: it holds ${nonJson[1]}, which JSON cannot (a saved run writes null there).`
      : `${name} is not valid JSON (${e.message}); is it cut short or edited?`);
  }
  if (!isObject(doc) || doc.layerscope !== RUN_FILE_KIND) {
    const what = isObject(doc) && typeof doc.layerscope === 'string' ? `a Layerscope "${doc.layerscope}" file` : 'JSON, but not a Layerscope run';
    throw new RunFileError(`${name} is ${what}: a saved run has "layerscope": "${RUN_FILE_KIND}" (the training view's "Download the whole run" writes one).`);
  }
  const version = doc.version ?? 1;
  if (!VERSIONS_READ.includes(version))
    throw new RunFileError(`${name} is a Layerscope run of version ${JSON.stringify(version)}; this page reads versions ${VERSIONS_READ.join(' and ')}.`);
  if (!isObject(doc.columns)) throw new RunFileError(`${name}: "columns" must hold the runs of A and B.`);
  const fineBins = version === 1 ? null : doc.keptFineBins;
  if (fineBins !== null && (!Number.isInteger(fineBins) || fineBins < 1 || fineBins > 4096))
    throw new RunFileError(`${name}: keptFineBins must be an integer from 1 to 4096, or null when no report keeps its distributions (got ${show(fineBins)}).`);
  const columns = {};
  for (const col of COLUMNS) columns[col] = readColumn(doc.columns[col], `${name}, column ${col.toUpperCase()}`, col, checkConfig, fineBins);
  const runSeconds = doc.runSeconds === undefined || doc.runSeconds === null ? NaN : doc.runSeconds;
  if (typeof runSeconds !== 'number' || runSeconds < 0 || runSeconds === Infinity) throw new RunFileError(`${name}: runSeconds must be a number of seconds from 0 (got ${show(doc.runSeconds)}).`);
  const settingsLines = Array.isArray(doc.settingsLines) && doc.settingsLines.every(s => typeof s === 'string') ? doc.settingsLines : [];
  return { settings: isObject(doc.settings) ? doc.settings : {}, settingsLines, runSeconds, columns, version,
    builtFrom: readBuiltFrom(doc.builtFrom, name) };
}

// Refuses a file over MAX_RUN_FILE_BYTES before it is read (a File's size) or parsed (a text's length).
export function checkSize(bytes, name = 'the file') {
  if (bytes > MAX_RUN_FILE_BYTES)
    throw new RunFileError(`${name} is ${(bytes / 1048576).toFixed(1)} MB: a saved run is at most ${MAX_RUN_FILE_BYTES / 1048576} MB (1,024 reports a column).`);
}

function readColumn(column, where, col, checkConfig, fineBins) {
  if (!isObject(column)) throw new RunFileError(`${where} is missing.`);
  const config = column.config;
  if (!isObject(config)) throw new RunFileError(`${where}: "config" must be the column's settings (got ${show(config)}).`);
  for (const field of CONFIG_FIELDS)
    if (config[field] === undefined) throw new RunFileError(`${where}: its config has no "${field}".`);
  if (!Number.isInteger(config.depth) || config.depth < 1) throw new RunFileError(`${where}: config depth must be an integer from 1 (got ${show(config.depth)}).`);
  const refused = checkConfig ? checkConfig(config, col) : null;
  if (refused) throw new RunFileError(`${where}: config ${refused}`);
  const reports = column.reports;
  if (!Array.isArray(reports) || reports.length === 0) throw new RunFileError(`${where}: "reports" must be a list of at least one report.`);
  if (reports.length > MAX_REPORTS) throw new RunFileError(`${where}: ${reports.length} reports; a run keeps at most ${MAX_REPORTS} a column.`);
  const out = [];
  let previous = -1;
  reports.forEach((r, i) => {
    const report = readReport(r, `${where}, report ${i + 1}`, config.depth, fineBins);
    if (report.step <= previous) throw new RunFileError(`${where}, report ${i + 1}: step ${report.step} does not follow step ${previous}.`);
    previous = report.step;
    out.push(report);
  });
  const made = column.reportsMade ?? out.length;
  if (!Number.isInteger(made) || made < out.length) throw new RunFileError(`${where}: reportsMade must be an integer of at least the ${out.length} reports kept (got ${show(column.reportsMade)}).`);
  return { config, reportsMade: made, reports: out };
}

function readReport(r, where, depth, fineBins) {
  if (!isObject(r)) throw new RunFileError(`${where} must be an object (got ${show(r)}).`);
  const report = {};
  for (const field of SCALARS) {
    const v = r[field];
    if (v === null && field !== 'step') { report[field] = NaN; continue; }
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new RunFileError(`${where}: ${field} must be a finite number${field === 'step' ? '' : ' or null'} (got ${show(v)}).`);
    report[field] = v;
  }
  if (!Number.isInteger(report.step) || report.step < 0) throw new RunFileError(`${where}: step must be an integer from 0 (got ${show(r.step)}).`);
  if (r.depth !== depth) throw new RunFileError(`${where}: depth ${show(r.depth)} is not its config's ${depth}.`);
  if (!Number.isInteger(r.bins) || r.bins < 1 || r.bins > 4096) throw new RunFileError(`${where}: bins must be an integer from 1 to 4096 (got ${show(r.bins)}).`);
  report.depth = depth;
  report.bins = r.bins;
  for (const field of LAYER_FIELDS) if (!(field in r)) throw new RunFileError(`${where}: ${field} is missing.`);
  for (const [field, v] of Object.entries(r)) {
    if (field in report || NOT_PER_LAYER.includes(field)) continue;
    if (!Array.isArray(v)) throw new RunFileError(`${where}: ${field} must be a list of ${depth + 1} numbers, one a layer (got ${show(v)}).`);
    if (v.length !== depth + 1) throw new RunFileError(`${where}: ${field} holds ${v.length} numbers; a network of depth ${depth} has ${depth + 1}.`);
    const values = new Float64Array(depth + 1);
    v.forEach((x, l) => {
      if (x !== null && (typeof x !== 'number' || !Number.isFinite(x)))
        throw new RunFileError(`${where}: ${field}[${l}] must be a finite number or null (got ${show(x)}).`);
      values[l] = x === null ? NaN : x;
    });
    report[field] = values;
  }
  const counts = r.histogramCounts, n = (depth + 1) * r.bins;
  if (!Array.isArray(counts) || counts.length !== n)
    throw new RunFileError(`${where}: histogramCounts must be a list of ${n} counts ((depth + 1) x bins; got ${Array.isArray(counts) ? counts.length : show(counts)}).`);
  const histogramCounts = new Uint32Array(n);
  counts.forEach((x, i) => {
    if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) throw new RunFileError(`${where}: histogramCounts[${i}] must be a whole count from 0 (got ${show(x)}).`);
    histogramCounts[i] = x;
  });
  report.histogramCounts = histogramCounts;
  if (r.kept !== undefined) report.kept = readKept(r.kept, `${where}: kept`, depth, fineBins);
  if (r.probes !== undefined && r.probes !== null) report.probes = readProbes(r.probes, `${where}: probes`, depth);
  return report;
}

// A report's probes (the header's layout) with Float64Array lists, NaN for null.
function readProbes(probes, where, depth) {
  if (!isObject(probes)) throw new RunFileError(`${where} must be the lab's numbers of the step, an object (got ${show(probes)}).`);
  if (probes.layers !== depth + 2)
    throw new RunFileError(`${where}: layers must be ${depth + 2} (the input, ${depth} layers and the loss; got ${show(probes.layers)}).`);
  const steps = probes.stepCount;
  if (!Number.isInteger(steps) || steps < 0 || steps > MAX_PROBE_STEPS)
    throw new RunFileError(`${where}: stepCount must be an integer from 0 to ${MAX_PROBE_STEPS} (got ${show(steps)}).`);
  const out = { layers: depth + 2, stepCount: steps };
  const lists = [[PROBE_WIDE, 1, 'one number'], [PROBE_PER_LAYER, depth + 2, `${depth + 2} numbers, one a layer`],
    [PROBE_PER_STEP, steps, `${steps} numbers, one a step size`]];
  for (const [names, length, words] of lists) {
    for (const name of names) {
      const v = probes[name];
      if (!Array.isArray(v) || v.length !== length) throw new RunFileError(`${where}: ${name} must be a list of ${words} (got ${show(v)}).`);
      out[name] = Float64Array.from(v, (x, i) => {
        if (x !== null && (typeof x !== 'number' || !Number.isFinite(x)))
          throw new RunFileError(`${where}: ${name}[${i}] must be a finite number or null (got ${show(x)}).`);
        return x === null ? NaN : x;
      });
    }
  }
  return out;
}

// A report's kept summaries and distributions (the header's layout): typed arrays of the right lengths.
// What the numbers must be beyond that (a present tensor's counts, ...) the core checks when it takes them.
function readKept(kept, where, depth, fineBins) {
  if (fineBins === null) throw new RunFileError(`${where}: a report keeps distributions only in a version 2 file with keptFineBins.`);
  if (!isObject(kept)) throw new RunFileError(`${where} must be {summaries, distributions} (got ${show(kept)}).`);
  const summaries = fromBase64(kept.summaries, Float64Array, `${where}.summaries`);
  const distributions = fromBase64(kept.distributions, Uint32Array, `${where}.distributions`);
  if (summaries.length === 0 || summaries.length % (depth + 1) !== 0)
    throw new RunFileError(`${where}.summaries holds ${summaries.length} numbers: it must hold the same number for each of the ${depth + 1} layers 0..${depth}.`);
  const perTensor = 2 * (fineBins + 3);
  if (distributions.length % perTensor !== 0)
    throw new RunFileError(`${where}.distributions holds ${distributions.length} counts: it must hold ${perTensor} (2 x (keptFineBins + 3)) for each tensor.`);
  return { summaries, distributions, fineBins };
}

const isObject = v => v !== null && typeof v === 'object' && !Array.isArray(v);

// builtFrom: absent (null), or {a, b} of objects holding only numbers, strings and booleans (a column's
// settings as the init view holds them); it is only compared with the pair on screen, never run.
function readBuiltFrom(v, name) {
  if (v === undefined || v === null) return null;
  const flat = o => isObject(o) && Object.values(o).every(x => ['number', 'string', 'boolean'].includes(typeof x));
  if (!isObject(v) || !COLUMNS.every(c => flat(v[c])))
    throw new RunFileError(`${name}: builtFrom must be the pair the run was built from, {a, b}, each an object of settings (got ${show(v)}).`);
  return { a: v.a, b: v.b };
}

// A value as a message shows it: short, and never the whole of a big one.
function show(v) {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);  // Infinity, which JSON.stringify would call null
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
