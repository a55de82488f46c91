// Usage: node expect_failure.mjs REGEX TOOL ARGS...
// Passes when TOOL ARGS exits with status 2 (not a crash) and its stderr matches REGEX.
import { spawnSync } from 'node:child_process';

const [pattern, tool, ...args] = process.argv.slice(2);
const run = spawnSync(tool, args, { encoding: 'utf8' });
const problems = [];
if (run.status !== 2) problems.push(`exit status ${run.status} (signal ${run.signal}), expected 2`);
if (!new RegExp(pattern, 'm').test(run.stderr)) problems.push(`stderr does not match /${pattern}/`);
if (run.stdout !== '') problems.push('stdout is not empty');
console.log(`stderr: ${run.stderr.trim()}`);
if (problems.length) {
  console.error(`FAIL: ${problems.join('; ')}`);
  process.exit(1);
}
