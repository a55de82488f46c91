// Usage: node check_gradcheck.mjs EXPECTED_STATUS JSON_DIR TOOL gradcheck ARGS...
// `layerscope gradcheck` prints, per config checked, a header line, a table (layer, kind, worst relative error,
// ok/FAIL against the tolerance, entries, skipped) and a verdict line, then ends with exactly
// `worst relative error: X`. Checks the exit status (0 all within the tolerance, 1 not), that X is the worst
// of the rows and the --json file's worst, and that a row is marked FAIL exactly when the status is 1.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const [expected, jsonDir, tool, ...args] = process.argv.slice(2);
mkdirSync(jsonDir, { recursive: true });
const jsonPath = join(jsonDir, 'gradcheck.json');
const run = spawnSync(tool, [...args, '--json', jsonPath], { encoding: 'utf8' });
assert.equal(run.status, Number(expected), `exit status ${run.status}: ${run.stderr}`);
const lines = run.stdout.trimEnd().split('\n');
const last = lines.at(-1).match(/^worst relative error: (\d\.\d{3}e[+-]\d{2}|inf)$/);
assert.ok(last, `last line: '${lines.at(-1)}'`);
const rows = lines.filter((l) => /^\s+\d+  /.test(l)).map((l) => l.trim().split(/\s+/));
assert.ok(rows.length > 0, 'no table rows');
let worst = 0;
for (const [layer, kind, error, verdict, entries, skipped] of rows) {
  assert.match(kind, /^(dL\/dh|weight|bias|gamma|beta)$/);
  assert.ok(Number(entries) > 0, `layer ${layer} ${kind}: no entry checked`);
  assert.ok(Number(skipped) >= 0);
  assert.equal(verdict, Number(error) <= 1e-4 ? 'ok' : 'FAIL', `layer ${layer} ${kind}`);
  worst = Math.max(worst, Number(error));
}
assert.equal(Number(last[1]), worst, 'the last line is the worst row');
assert.equal(rows.some((r) => r[3] === 'FAIL'), expected === '1', 'FAIL rows exactly when the status is 1');
const doc = JSON.parse(readFileSync(jsonPath, 'utf8'));
assert.equal(doc.tolerance, 1e-4);
assert.equal(doc.checks.reduce((n, c) => n + c.rows.length, 0), rows.length, 'the JSON has every row');
assert.equal(Number(doc.worst.toExponential(3)), worst, 'the JSON worst is the printed one');
console.log(`${doc.checks.map((c) => c.name).join(', ')}: ${rows.length} rows, ${lines.at(-1)}`);
