// A saved run's kept reports in a column's worker (issue 20, "Open a saved run"): the file's arrays handed
// to the core (KeptReports, src/wasm/kept_reports.hpp), which rebuilds each report's kept distributions and
// redraws them by the very rule a live session uses. training-session.js serves the page's 'run' and 'bin'
// requests from this exactly as from its live session (reportSource), so a saved step is drawn as a live one.
// Bundled apart (dist/saved-reports.js, build-wasm.sh) and imported by run-time URL on the first saved run,
// so neither it nor the saved-run module is part of the first download.

import { loadSavedRuns } from '../layerscope-modules.js';

let module = null;  // the saved-run module, fetched once, on the first saved run

// msg: {config, reports: [{step, trainLoss, kept: {summaries, distributions}}]}, only the reports the file
// kept distributions of. Rejects with the core's LayerscopeError (naming the array) for arrays it refuses.
export async function savedReports({ config, reports }) {
  module ??= loadSavedRuns();
  const kept = (await module).createKeptReports();
  try {
    for (const r of reports) kept.add(r.kept);
  } catch (e) {
    kept.free();
    throw e;
  }
  const steps = reports.map(r => r.step);
  return {
    config,
    warnings: [],  // a saved run's config warnings are the curves' business; none are stored
    indexOf: step => steps.indexOf(step),
    summaries: index => kept.summaries(index),
    histograms: (index, kind, options) => kept.histograms(index, kind, options),
    trainLoss: index => reports[index].trainLoss,
    // The effective rank needs the lab's probes, which a file does not bring back.
    effectiveRank: () => null,
    free: () => kept.free(),
  };
}
