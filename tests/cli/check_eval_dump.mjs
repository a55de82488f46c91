// Usage: node check_eval_dump.mjs TOOL OUTDIR
// The init-time --dump writes batch norm's batch_mean and batch_var in train mode only: in eval mode the
// forward pass uses the running statistics, and the batch statistics left over are the last warm-up batch's.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import assert from 'node:assert/strict';

const [tool, outdir] = process.argv.slice(2);
function dumpedTensors(mode) {
  const dir = `${outdir}/${mode}`;
  rmSync(dir, { recursive: true, force: true });
  const run = spawnSync(tool, ['--depth', '3', '--width', '8', '--input_dim', '6', '--batch', '16', '--normalization',
    'batch', '--mode', mode, '--dump', dir], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const index = JSON.parse(readFileSync(`${dir}/index.json`, 'utf8'));
  return new Set(index.files.map((f) => f.tensor));
}
const evalMode = dumpedTensors('eval'), trainMode = dumpedTensors('train');
assert.ok(!evalMode.has('batch_mean') && !evalMode.has('batch_var'), 'eval mode: no batch statistics');
assert.ok(evalMode.has('batch_rstd') && evalMode.has('running_mean'), 'eval mode: rstd of the running variance');
assert.ok(trainMode.has('batch_mean') && trainMode.has('batch_var'), 'train mode: the batch statistics');
console.log('ok');
