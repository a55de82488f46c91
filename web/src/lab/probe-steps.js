// The steps a run with probes also reports, off its report grid, so the training view's scrubber can set
// step 0 against them (issue 21 item 5; worker/training-session.js makes the reports, probe-first-steps.js reads them).
// Step s's report holds the gradients of step s's batch at the weights after s - 1 updates (the core's
// Trainer::step: the report follows the backward pass), and step 1's are step 0's: so the gradients after
// 1, 10 and 100 updates are those of steps 2, 11 and 101.
export const UPDATES = [1, 10, 100];
export const EARLY_STEPS = UPDATES.map(n => n + 1);
