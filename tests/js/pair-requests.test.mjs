// The page's one request protocol to the pair of column workers (web/src/pair-requests.js): which
// messages go out, and when a request skips the 'run' round trip because the workers already hold its runs.
// The workers here are scripted: each answers a 'run' with one layer's summary and a 'bin' with one
// histogram, as worker.js does, so what is checked is the protocol, not the numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PairRequests } from '../../web/src/pair-requests.js';

// A pair of scripted workers: every message posted is recorded; answer() delivers the replies to the
// messages posted since the last answer, in order, as the workers would.
function scriptedPair() {
  const sent = [], pending = [];
  const results = [];
  const pairs = new PairRequests((col, msg) => { sent.push({ col, ...msg }); pending.push({ col, msg }); }, r => results.push(r));
  const reply = ({ col, msg }) => {
    const timing = { start: 0, sent: 0, ms: 0 };
    if (msg.type === 'run') {
      const s = { min: -1, max: 2, std: 1 / (msg.config?.depth ?? 2) };  // deeper, smaller
      return { type: 'run', id: msg.id, ok: true, runNumber: JSON.stringify(msg.config ?? msg.step), config: msg.config,
        loss: 1, depth: 1, summaries: { activation: [null, s], output: [null, s] }, theory: {}, timing };
    }
    return { type: 'histograms', id: msg.id, ok: true, histograms: [null, { counts: [1] }], axis: { lo: -1, hi: 2, symlogThreshold: 0.1 },
      key: `${msg.kind}`, timing };
  };
  const answer = () => {
    while (pending.length) {
      const p = pending.shift();
      pairs.receive(p.col, reply(p));
    }
  };
  return { pairs, sent, results, answer };
}

const what = depth => ({ a: { column: 'a', config: { depth } }, b: { column: 'b', config: { depth } } });
const view = tensor => ({ tensor, bins: 64, axis: 'shared', binning: 'linear' });
const types = msgs => msgs.map(m => `${m.col}:${m.type}`).join(' ');
const pair = (a, b) => ({ a: { column: 'a', config: { depth: a } }, b: { column: 'b', config: { depth: b } } });

test('a change of tensor on the same configs asks only for the binning, and the result is whole', () => {
  const { pairs, sent, results, answer } = scriptedPair();
  pairs.request(what(3), view('activation'));
  answer();
  assert.equal(types(sent), 'a:run b:run a:bin b:bin');
  sent.length = 0;
  const id = pairs.request(what(3), view('output'));
  assert.equal(types(sent), 'a:bin b:bin', 'the workers hold the runs: no run is sent again');
  assert.ok(sent.every(m => m.id === id && m.kind === 'output'));
  answer();
  const last = results.at(-1);
  assert.equal(last.id, id);
  assert.equal(last.kind, 'output');
  for (const c of ['a', 'b']) {
    assert.equal(last.columns[c].ok, true);
    assert.deepEqual(last.columns[c].config, { depth: 3 }, 'the held run is the one answered for these configs');
    assert.equal(last.columns[c].runKey, `${c}${JSON.stringify({ depth: 3 })}`);
  }
});

test('a change of config runs again, and so does the old config once another run was sent', () => {
  const { pairs, sent, answer } = scriptedPair();
  pairs.request(what(3), view('activation'));
  answer();
  sent.length = 0;
  pairs.request(what(4), view('activation'));
  assert.equal(types(sent), 'a:run b:run');
  // depth 4 is still running when depth 3 is asked again: the workers no longer hold depth 3's runs
  sent.length = 0;
  pairs.request(what(3), view('output'));
  assert.equal(types(sent), 'a:run b:run');
  answer();
});

test('after forget (a worker replaced or failed) the same configs run again', () => {
  const { pairs, sent, answer } = scriptedPair();
  pairs.request(what(3), view('activation'));
  answer();
  pairs.forget();
  sent.length = 0;
  pairs.request(what(3), view('output'));
  assert.equal(types(sent), 'a:run b:run');
});

test('a column whose run failed is never held: the next request runs both again', () => {
  const sent = [];
  const pairs = new PairRequests((col, msg) => sent.push({ col, ...msg }), () => {});
  const id = pairs.request(what(3), view('activation'));
  const timing = { start: 0, sent: 0, ms: 0 };
  pairs.receive('a', { type: 'run', id, ok: false, error: { message: 'depth: too deep' }, timing });
  pairs.receive('b', { type: 'run', id, ok: true, runNumber: 1, summaries: { activation: [] }, timing });
  pairs.receive('b', { type: 'histograms', id, ok: true, histograms: [], axis: null, key: 'k', timing });
  sent.length = 0;
  pairs.request(what(3), view('output'));
  assert.equal(types(sent), 'a:run b:run');
});

test('when only A changes, B keeps its histograms (linear bins) and A alone bins; with symlog bins both do', () => {
  const { pairs, sent, results, answer } = scriptedPair();
  const linear = view('output'), symlog = { ...linear, binning: 'symlog' };
  pairs.request(pair(3, 3), linear);
  answer();
  const first = results.at(-1);
  sent.length = 0;
  // A deeper: its smallest std moves the figure's, which linear counts do not depend on
  const id = pairs.request(pair(4, 3), linear);
  answer();
  assert.equal(types(sent), 'a:run b:run a:bin', 'B is not asked to bin again');
  const second = results.at(-1);
  assert.equal(second.id, id);
  assert.equal(second.columns.b.histogramsKey, first.columns.b.histogramsKey, 'B: the same histograms, so not redrawn');
  assert.equal(second.columns.b.histograms, first.columns.b.histograms);
  assert.deepEqual(second.columns.a.config, { depth: 4 });
  sent.length = 0;
  // symlog bins depend on the figure's smallest std (its threshold): both bin, each time A moves it
  pairs.request(pair(4, 3), symlog);
  answer();
  assert.equal(types(sent), 'a:bin b:bin');
  sent.length = 0;
  pairs.request(pair(5, 3), symlog);
  answer();
  assert.equal(types(sent), 'a:run b:run a:bin b:bin');
  sent.length = 0;
  // nothing new at all (the same request again): the workers are asked, and their caches answer
  pairs.request(pair(5, 3), symlog);
  answer();
  assert.equal(types(sent), 'a:bin b:bin');
});

test('after forget, no column keeps histograms: both bin again', () => {
  const { pairs, sent, answer } = scriptedPair();
  pairs.request(pair(3, 3), view('output'));
  answer();
  pairs.forget();
  sent.length = 0;
  pairs.request(pair(4, 3), view('output'));
  answer();
  assert.equal(types(sent), 'a:run b:run a:bin b:bin');
});
