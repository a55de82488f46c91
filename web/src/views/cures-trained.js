// "Four cures at depth 50", trained: the five networks of cures-common.js trained on MNIST one after the
// other (the same seed and batches, each its core training preset), their training loss and test
// accuracy on one chart each (the training view's LineChart), and a two-sentence caption computed from
// the curves. The saved example (web/runs/cures.json, made by web/tools/make-cures-run.mjs) shows at once;
// "Train here" trains them again in this browser in one column worker of the section's own (worker.js,
// through the training view's ColumnClient), one network at a time.
import { LineChart } from '../training/line-chart.js';
import { ColumnClient } from '../training/column-client.js';
import { fetchDataset } from '../training/data.js';
import { viewSvg } from '../training/exports.js';
import { exportButtons, framedSvg, svgToPng, PALETTES } from '../export.js';
import { themeColors } from '../theme.js';
import { CURES, cureColors, curesLogEvery, wrapLines, curesPool } from './cures-common.js';

export const SAVED_RUN = 'runs/cures.json';
const pct = v => `${(100 * v).toFixed(1)}%`;

// The saved example's shape, and what a run in this browser collects: {steps, seconds, where, networks:
// [{key, preset, reports: [{step, trainLoss, trainAccuracy, testLoss, testAccuracy}]}]}.
export function checkCuresRun(run) {
  const ok = run && Number.isInteger(run.steps) && Array.isArray(run.networks) &&
    CURES.every(c => run.networks.some(n => n.key === c.key && Array.isArray(n.reports) && n.reports.length));
  if (!ok) throw new Error(`${SAVED_RUN}: not a run of the five cures ({steps, networks: [{key, reports}]})`);
  return run;
}

// Two sentences: the test accuracy of each at the last step all reached, and which learned (above 20%,
// twice chance) and which did not.
export function trainedCaption(run) {
  const last = Math.min(...run.networks.map(n => n.reports.at(-1).step));
  const at = n => n.reports.filter(r => r.step <= last).at(-1);
  const byKey = Object.fromEntries(run.networks.map(n => [n.key, at(n)]));
  const parts = CURES.map(c => `${c.label} ${pct(byKey[c.key].testAccuracy)}`);
  const learned = CURES.filter(c => byKey[c.key].testAccuracy > 0.2), stuck = CURES.filter(c => !learned.includes(c));
  const best = CURES.reduce((b, c) => (byKey[c.key].testAccuracy > byKey[b.key].testAccuracy ? c : b));
  const names = list => list.map(c => c.label).reduce((s, n, i, all) => (i === 0 ? n : `${s}${i === all.length - 1 ? ' and' : ','} ${n}`), '');
  const most = learned.length > 1 ? `, ${best.label} most` : '';
  const second = stuck.length === 0 ? `All five learned (above 20%, twice chance); ${best.label} most.`
    : learned.length === 0 ? 'None has learned yet (above 20%, twice chance).'
      : `${names(learned)} learned (above 20%, twice chance)${most}; ${names(stuck)} did not yet.`;
  return `After ${last.toLocaleString('en')} steps, test accuracy: ${parts.join(', ')}. ${second[0].toUpperCase()}${second.slice(1)}`;
}

export class CuresTrained {
  // root: the figure's element; status: a line for what is happening.
  constructor(root, { frameLines, source }) {
    Object.assign(this, { root, frameLines, source });
    const panel = title => {
      const fig = document.createElement('figure');
      fig.className = 't-fig';
      const cap = document.createElement('figcaption');
      cap.textContent = title;
      fig.append(cap);
      root.querySelector('.cures-trained-charts').append(fig);
      return fig;
    };
    this.loss = new LineChart(panel('Training loss (cross-entropy, log scale)'), { title: 'Training loss, five networks at depth 50',
      xLabel: 'training step', yLabel: 'loss', logY: true, empty: 'The curves appear when a run is loaded or trained.' });
    this.accuracy = new LineChart(panel('Test accuracy'), { title: 'Test accuracy, five networks at depth 50',
      xLabel: 'training step', yLabel: 'test accuracy', percent: true, yDomain: [0, 1], refLines: [{ y: 0.1, label: 'chance' }],
      empty: 'The curves appear when a run is loaded or trained.' });
    this.caption = root.querySelector('.cures-trained-caption');
    this.status = root.querySelector('.cures-trained-status');
    this.run = null;
    root.append(this.exports());
  }

  async loadSaved() {
    this.say('Loading the saved run…');
    try {
      const response = await fetch(SAVED_RUN);
      if (!response.ok) throw new Error(`${SAVED_RUN}: HTTP ${response.status}`);
      const run = checkCuresRun(await response.json());
      this.show(run);
      this.say(`The saved run: trained in ${run.where ?? 'Node'}, ${run.steps.toLocaleString('en')} steps each` +
        `${run.seconds ? ` (${Math.round(run.seconds)} s in all)` : ''}. Train here to make it again.`);
    } catch (e) {
      this.say(`No saved run (${e.message}): press Train here.`);
    }
  }

  series(colors) {
    const of = field => (this.run?.networks ?? []).map(n => {
      const cure = CURES.find(c => c.key === n.key);
      return { label: cure.label, csvName: cure.key, color: colors[cure.key], points: n.reports.map(r => [r.step, r[field]]) };
    });
    return { loss: of('trainLoss'), accuracy: of('testAccuracy') };
  }

  show(run) {
    this.run = run;
    this.draw();
    this.caption.textContent = run.networks.length === CURES.length ? trainedCaption(run) : '';
  }

  draw() {
    const s = this.series(cureColors(themeColors()));
    this.loss.update(s.loss);
    this.accuracy.update(s.accuracy);
    this.loss.draw();
    this.accuracy.draw();
  }

  say(text) { this.status.textContent = text; }

  // Trains the five in turn, `steps` each, in one training worker; the curves grow as reports come.
  async trainHere(steps) {
    if (this.training) return;
    this.training = true;
    try {
      this.say('Fetching the MNIST data…');
      const data = await fetchDataset(() => {});
      const run = { steps, where: 'this browser', networks: [] };
      let current = null, done = null, failed = null;
      this.client ??= new ColumnClient('a', curesPool().workers.a, {
        started: (config, warnings) => { current.warnings = warnings; },
        report: (report, progress) => {
          current.reports.push({ step: report.step, trainLoss: report.trainLoss, trainAccuracy: report.trainAccuracy,
            testLoss: report.testLoss, testAccuracy: report.testAccuracy });
          this.show(run);
          if (progress.finished) done();
        },
        progress: p => { if (p.finished) done(); },
        error: e => failed(new Error(e.message)),
        view: () => false,
      });
      await this.client.init(data);
      const start = performance.now();
      for (const cure of CURES) {
        current = { key: cure.key, preset: cure.preset, reports: [] };
        run.networks.push(current);
        this.say(`Training ${cure.label} (${run.networks.length} of ${CURES.length}), ${steps.toLocaleString('en')} steps…`);
        await new Promise((resolve, reject) => {
          done = resolve;
          failed = reject;
          this.client.start({ preset: cure.preset, steps, log_every: curesLogEvery(steps) });
          this.client.play();
        });
      }
      run.seconds = (performance.now() - start) / 1000;
      this.show(run);
      this.say(`Trained here: ${CURES.length} networks, ${steps.toLocaleString('en')} steps each, in ${run.seconds.toFixed(1)} s.`);
    } catch (e) {
      this.say(`Training stopped: ${e.message}`);
    } finally {
      this.training = false;
    }
  }

  exports() {
    const both = colors => {
      const s = this.series(colors);
      const saved = [this.loss.series, this.accuracy.series];
      this.loss.series = s.loss;
      this.accuracy.series = s.accuracy;
      const [a, b] = [viewSvg(this.loss, colors, { width: 420, height: 260 }), viewSvg(this.accuracy, colors, { width: 420, height: 260 })];
      [this.loss.series, this.accuracy.series] = saved;
      return { markup: `${a.markup}<g transform="translate(430,0)">${b.markup}</g>`, width: 850, height: 260 };
    };
    return exportButtons({
      chrome: true, vector: true, name: 'layerscope-cures-trained',
      image: async ({ dark, svgOnly }) => {
        const colors = cureColors(PALETTES[dark ? 'dark' : 'light'], dark);
        const frame = { title: 'Layerscope · Four cures at depth 50, trained on MNIST: loss and test accuracy',
          legend: CURES.map(c => ({ color: colors[c.key], label: c.label })),
          lines: [...this.frameLines().flatMap(l => wrapLines(l)), ...wrapLines(this.status.textContent), ...wrapLines(this.caption.textContent)], source: this.source() };
        const svg = framedSvg(frame, both(colors), { colors });
        return svgOnly ? { svg: svg.text } : { png: await svgToPng(svg, 2), svg: svg.text };
      },
      csv: () => `# training loss\n${this.loss.csv()}# test accuracy\n${this.accuracy.csv()}`,
      json: () => ({ caption: this.caption.textContent, run: this.run }),
    });
  }
}
