// Usage: node check_messages.mjs TOOL FIXTURES_DIR
// Hostile input to the tool: each case must exit 2 (not crash, not run) with one line on stderr that names
// the field and what is allowed, holds no control character (escaped instead: a value cannot move the
// cursor or clear the terminal) and nothing on stdout. The cases are the findings: strtod's hex,
// whitespace and embedded NUL, a config file with a NUL or a duplicate key, a key with a NUL, --preset '',
// and a warm-up that would have run for 26 s.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const [tool, fixtures] = process.argv.slice(2);
const cases = [
  [['--depth', '0x10'], /^layerscope: depth: must be an integer from 1 to 100 \(got '0x10'\)$/],
  [['--init_scale', '0x1p3'], /^layerscope: init_scale: must be a number greater than 0 .*\(got '0x1p3'\)$/],
  [['--depth', '\r7'], /^layerscope: depth: must be .*\(got '\\r7'\)$/],
  [['--depth', ' 7'], /^layerscope: depth: must be .*\(got ' 7'\)$/],
  [['--bias', 'yes'], /^layerscope: bias: must be true or false \(got 'yes'\)$/],
  [['--activation', '\x1b[2J\x1b[31mred'], /^layerscope: activation: must be one of: .*\(got '\\x1b\[2J\\x1b\[31mred'\)$/],
  [['--preset', ''], /^layerscope: preset: must be one of: .*\(got ''\)$/],
  [['--config', join(fixtures, 'nul_inside.json')], /^layerscope: --config: '.*nul_inside\.json' holds a NUL byte at offset 12/],
  [['--config', join(fixtures, 'duplicate_key.json')], /^layerscope: depth: given twice in '.*duplicate_key\.json'/],
  [['--config', join(fixtures, 'nul_in_key.json')], /^layerscope: \\0depth: unknown setting; known settings are: depth/],
  [['--config', join(fixtures, 'nul_in_value.json')], /^layerscope: depth: must be an integer .*\(got '3\\0junk'\)$/],
  [['--mode', 'eval', '--normalization', 'batch', '--warmup_batches', '1000'],
   /^layerscope: warmup_batches: this run would do about 441 GFLOP .*64 GFLOP budget.*reduce warmup_batches/],
  [['--\x1b]0;title\x07', '1'], /^layerscope: unknown option '--\\x1b\]0;title\\x07'/],
];
for (const [args, pattern] of cases) {
  const run = spawnSync(tool, args, { encoding: 'utf8' });
  const shown = JSON.stringify(args);
  assert.equal(run.signal, null, `${shown}: killed by ${run.signal}`);
  assert.equal(run.status, 2, `${shown}: exit status ${run.status}\n${run.stderr}`);
  assert.equal(run.stdout, '', `${shown}: printed to stdout`);
  const lines = run.stderr.split('\n');
  assert.equal(lines.length, 2, `${shown}: stderr is not one line: ${JSON.stringify(run.stderr)}`);
  assert.ok(!/[\x00-\x1f\x7f]/.test(lines[0]), `${shown}: a control character reached stderr: ${JSON.stringify(lines[0])}`);
  assert.match(lines[0], pattern, `${shown}`);
  console.log(`ok ${shown}: ${lines[0]}`);
}
