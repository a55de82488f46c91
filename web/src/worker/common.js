// What both parts of the worker (init-runs.js, training-session.js) share: a yield that lets a newer
// message in, the clock the page compares timings with, and an error as a message can carry it.

// A yield that lets a newer message in without setTimeout's 4 ms clamp on nested timers.
export const yieldTask = () => new Promise(resolve => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
});

// ms since the epoch (to compare with the page's clock).
export const epochNow = () => performance.timeOrigin + performance.now();

// {message, field, divergedAt}: the core's error (its field and, for a diverged run, the step) or any other.
export function errorInfo(e) {
  return { message: String((e && e.message) || e), field: (e && e.field) || null, divergedAt: e?.divergedAt ?? null };
}
