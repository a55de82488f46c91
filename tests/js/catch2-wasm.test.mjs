// The core's Catch2 suite (tests/test_*.cpp), compiled to wasm by src/wasm/CMakeLists.txt and run under
// Node: what the native suite checks must also hold in WebAssembly (no FMA, SIMD128, 32-bit size_t).
// One node:test subtest per Catch2 test case and section, read from Catch2's JUnit report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './load.mjs';

const wasmDir = join(root, 'build-wasm', 'src', 'wasm');

function unescapeXml(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
             .replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

// Runs a Catch2 binary under Node (with extra Node flags) and makes each of its test cases a subtest.
async function runCatch2(t, file, nodeFlags = [], filter = []) {
  const suite = join(wasmDir, file);
  assert.ok(existsSync(suite), `${suite} not found: run ./build-wasm.sh first`);
  const result = spawnSync(process.execPath, [...nodeFlags, suite, ...filter, '-r', 'junit'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const report = result.stdout;
  // <testcase ... name="..." .../> passed; <testcase ...>...<failure .../>...</testcase> failed.
  const cases = [...report.matchAll(/<testcase\b[^>]*\bname="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)];
  assert.ok(cases.length > 0, `no test cases in the report (exit ${result.status}):\n${result.stderr}`);
  for (const [, name, , body] of cases) {
    await t.test(unescapeXml(name), () => {
      if (body && /<(failure|error)\b/.test(body)) assert.fail(unescapeXml(body.trim()));
    });
  }
  assert.equal(result.status, 0, `the suite exited with ${result.status}:\n${result.stderr}`);
}

// The MNIST and training cases run apart, under the console reporter: Catch2 2.13's JUnit reporter keeps
// every assertion of a run and took minutes over theirs (19 s for [mnist] alone against 3.7 s for all
// the rest).
const heavy = '[mnist],[training]';
test('the core\'s Catch2 suite passes in WebAssembly', t =>
  runCatch2(t, 'layerscope_wasm_tests.cjs', [], ['~[mnist]~[training]']));
test('the core\'s MNIST and training tests pass in WebAssembly', () => {
  const suite = join(wasmDir, 'layerscope_wasm_tests.cjs');
  const result = spawnSync(process.execPath, [suite, heavy, '--use-colour', 'no'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, `the suite exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /All tests passed \(\d+ assertions in \d+ test cases\)/);
  const cases = Number(result.stdout.match(/in (\d+) test cases/)[1]);
  assert.ok(cases >= 20, `only ${cases} MNIST and training test cases ran`);
});

// The relaxed-SIMD build's matrix product (fused multiply-add, 8 x 6 tiles) on every shape and striding
// of tests/test_gemm.cpp.
test('the relaxed-SIMD matrix product passes the gemm tests', t =>
  runCatch2(t, 'layerscope_wasm_gemm_relaxed_tests.cjs', ['--experimental-wasm-relaxed-simd']));
