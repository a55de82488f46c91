// Usage: node tests/fuzz/url.fuzz.mjs [SECONDS] [SEED]
// A seeded random fuzzer of the page's URL parser (web/src/state.js) with the core's rule behind it, as the
// page runs it: parseQuery with state.js's checkValue going to the wasm module (what core-checks.js sets up
// on the page's main thread). Each input is a query from tests/fuzz/corpus/url/ as it is, then mutated:
// characters flipped, inserted (NUL, CR, ESC, C1 controls, '%', '&', '=', '+'), deleted, duplicated, and
// tokens (hex, inf, -0.0, field names, percent escapes) spliced in.
// A failure (exit 1, the query printed): parseQuery throws; a value it keeps is one the core refuses, or
// differs from the core's; a notice holds a control character.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadForNode, root } from '../js/load.mjs';

const seconds = Number(process.argv[2] || 5);
const seed = BigInt(process.argv[3] || 1);
const ls = await loadForNode();
const state = await import(pathToFileURL(join(root, 'web', 'src', 'state.js')).href);
const table = state.stateTable(ls.schema, ls.presets);
state.useCoreChecker((spec, raw) => ls.checkValue(spec, raw));

const corpusDir = join(root, 'tests', 'fuzz', 'corpus', 'url');
const corpus = readdirSync(corpusDir).sort().map(f => readFileSync(join(corpusDir, f), 'utf8').trim());

// xorshift64*: the same inputs for a seed, in any Node.
let s = seed || 1n;
const next = () => {
  s ^= s >> 12n; s ^= (s << 25n) & 0xffffffffffffffffn; s ^= s >> 27n;
  return Number(((s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 11n);
};
const below = n => (n > 0 ? next() % n : 0);

const words = ['0x10', '0x1p3', 'inf', 'Infinity', 'NaN', '-0.0', '1e309', '4.9e-324', '9007199254740993', '%00', '%0D',
  '%1B', '%C2%9B', '%', '%zz', '&', '=', '+', '.', 'e', '-', ' ', 'true', '1', '0', 'a.', 'b.', 'tensor', 'bins', 'seed',
  ...table.map(r => r.key), ...table.flatMap(r => r.spec.choices || [])];
const hostile = ['\0', '\r', '\n', '\x1b', '\x7f', '\u009b', '%', '&', '=', '+', '#', '?'];

function mutate(q) {
  const edits = 1 + below(4);
  for (let e = 0; e < edits; ++e) {
    const at = below(q.length + 1);
    switch (below(5)) {
      case 0: if (q.length) { const i = below(q.length); q = q.slice(0, i) + String.fromCharCode(below(256)) + q.slice(i + 1); } break;
      case 1: q = q.slice(0, at) + hostile[below(hostile.length)] + q.slice(at); break;
      case 2: q = q.slice(0, at) + q.slice(at + 1 + below(6)); break;
      case 3: { const from = below(q.length); q = q.slice(0, at) + q.slice(from, from + 1 + below(24)) + q.slice(at); break; }
      default: q = q.slice(0, at) + words[below(words.length)] + q.slice(at); break;
    }
  }
  return q;
}

function check(query) {
  const { state: parsed, notices } = state.parseQuery(query, table);
  const params = new URLSearchParams(query);
  for (const row of table) {
    const value = parsed[row.scope][row.field];
    if (value === row.default) continue;
    // A value taken from the URL is one the core accepts, and exactly as the core reads it.
    const raws = params.getAll(row.key);
    const verdicts = raws.map(raw => ls.checkValue(row.spec, raw));
    if (!verdicts.some(v => v.ok && Object.is(v.value, value)))
      throw new Error(`${row.key} = ${JSON.stringify(value)} was kept, the core says ${JSON.stringify(verdicts)}`);
  }
  for (const n of notices) if (/[\x00-\x1f\x7f-\x9f]/.test(n)) throw new Error(`a control character in the notice ${JSON.stringify(n)}`);
}

const start = performance.now();
let inputs = 0, current = '';
try {
  for (const q of corpus) { current = q; check(q); ++inputs; }
  while (performance.now() - start < seconds * 1000) {
    current = mutate(corpus[below(corpus.length)]);
    check(current);
    ++inputs;
  }
} catch (e) {
  console.error(`url.fuzz: FAILED (seed ${seed}, input ${inputs}): ${e.message}\n  query: ${JSON.stringify(current)}`);
  process.exit(1);
}
console.log(`url.fuzz: ${inputs} queries in ${((performance.now() - start) / 1000).toFixed(1)} s (${corpus.length} corpus ` +
  `entries), seed ${seed}, 0 failures`);
