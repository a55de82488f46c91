// Usage: node check_table.mjs TOOL ARGS... (ARGS must include --depth; the last one counts)
// The table has the config line, a header, one row per layer 0..L with 7 columns, and the loss.
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';

const [tool, ...args] = process.argv.slice(2);
const depth = Number(args[args.lastIndexOf('--depth') + 1]);
const run = spawnSync(tool, args, { encoding: 'utf8' });
assert.equal(run.status, 0, run.stderr);
const lines = run.stdout.trimEnd().split('\n');
assert.match(lines[0], new RegExp(`^layerscope scalar=float depth=${depth} `));
assert.match(lines[1], /^layer\s+std\(h\)\s+std\(dL\/dh\)\s+std\(dL\/dW\)\s+dead %\s+saturated %\s+NaN\/Inf$/);
const rows = lines.slice(2, -1);
assert.equal(rows.length, depth + 1, 'one row per layer 0..L');
rows.forEach((row, l) => {
  const cells = row.trim().split(/\s+/);
  assert.equal(cells.length, 7, row);
  assert.equal(Number(cells[0]), l);
  assert.equal(row.length, lines[1].length, `row ${l} is aligned with the header`);
  const numbers = cells.slice(1, 6).filter((c) => c !== '-');
  for (const c of numbers) assert.match(c, /^-?\d\.\d{3}e[+-]\d{2}$/, `%.3e cell '${c}'`);
});
assert.match(lines.at(-1), /^loss -?\d\.\d+e[+-]\d+$/);
console.log(`${rows.length} rows, ${lines.at(-1)}`);
