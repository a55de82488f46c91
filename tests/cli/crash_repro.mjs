// Usage: node crash_repro.mjs TOOL
// The configurations a fuzzer found crashing the tool (exit 139, an out-of-bounds bin in histogram()):
// denormal activations, a batch norm with epsilon 0 over two samples, and doubles beyond the float range.
// Each runs with the default histograms and with shared symlog ones, and must exit 0 and write a JSON
// document whose histograms account for every value and whose summaries have a finite std.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const [tool] = process.argv.slice(2);
const reproducers = [
  ['--init', 'normal', '--activation', 'sigmoid', '--width', '7'],
  ['--normalization', 'batch', '--placement', 'before', '--epsilon', '0', '--batch', '2', '--depth', '30', '--width', '8'],
  ['--init', 'normal', '--init_scale', '333333', '--scalar', 'double'],
];
const histogramOptions = [[], ['--range', 'shared', '--binning', 'symlog']];

const dir = mkdtempSync(join(tmpdir(), 'layerscope-crash-repro-'));
try {
  for (const args of reproducers) {
    for (const options of histogramOptions) {
      const what = [...args, ...options].join(' ');
      const jsonFile = join(dir, 'run.json');
      rmSync(jsonFile, { force: true });
      const run = spawnSync(tool, [...args, ...options, '--json', jsonFile], { encoding: 'utf8' });
      assert.equal(run.signal, null, `${what}: killed by ${run.signal}`);
      assert.equal(run.status, 0, `${what}: exit status ${run.status}\n${run.stderr}`);
      const doc = JSON.parse(readFileSync(jsonFile, 'utf8'));
      const bins = doc.histograms.bins;
      let checked = 0;
      for (const kind of doc.tensors) {
        doc.histograms[kind].forEach((hist, l) => {
          const s = doc.layers[l][kind];
          if (s === null) { assert.equal(hist, null, `${what}: ${kind}[${l}]`); return; }
          const where = `${what}: ${kind}[${l}]`;
          assert.equal(hist.counts.length, bins, `${where} bins`);
          assert.equal(hist.edges.length, bins + 1, `${where} edges`);
          for (let b = 1; b <= bins; ++b) assert.ok(hist.edges[b] >= hist.edges[b - 1], `${where} edge ${b} in order`);
          for (const c of hist.counts) assert.ok(Number.isInteger(c) && c >= 0, `${where} count ${c}`);
          const binned = hist.counts.reduce((a, b) => a + b, 0);
          assert.equal(binned + hist.zero_count + hist.outside_count + hist.nonfinite_count, s.count, `${where} counts add up`);
          assert.equal(hist.nonfinite_count, s.nan_count + s.inf_count, `${where} non-finite`);
          assert.equal(hist.zero_count, s.zero_count, `${where} zeros`);
          // The own range holds every finite value; a shared one too (it spans every layer's own range).
          assert.equal(hist.outside_count, 0, `${where} outside`);
          if (s.finite_count > 0) assert.ok(Number.isFinite(s.std) && Number.isFinite(s.mean), `${where} std ${s.std}`);
          ++checked;
        });
      }
      console.log(`ok: ${what} (${checked} histograms)`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
