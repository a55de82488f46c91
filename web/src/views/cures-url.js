// The "Four cures at depth 50" section's URL state, apart from its code (cures-common.js and the rest of
// views/cures-*.js, fetched on first use): the page's URL parser and the section's hook need only this.

// The tensors the profile chart offers: those with a std per layer and the core's theory line.
export const CURE_TENSORS = ['output', 'grad_output', 'pre_activation', 'grad_weight'];

// The figures' URL state: `cures=<tensor>` opens the section drawn for that tensor; `embed=cures` shows
// only the figures (the page's embed target for them). state.js leaves these keys to this module.
export function isCuresKey(key, raw) {
  return key === 'cures' || (key === 'embed' && raw === 'cures');
}

export function curesState(search) {
  const params = new URLSearchParams(search);
  const raw = params.get('cures');
  const embed = params.get('embed') === 'cures';
  const tensor = CURE_TENSORS.includes(raw) ? raw : 'output';
  const notice = raw !== null && raw !== '' && !CURE_TENSORS.includes(raw)
    ? `cures: must be one of: ${CURE_TENSORS.join(', ')} (got '${raw.slice(0, 40)}'); using output.` : null;
  return { open: raw !== null || embed, embed, tensor, notice };
}

// The URL with the figures' state written in (the rest of the page's keys kept as they are).
export function curesUrl(tensor, { embed = false, href = location.href } = {}) {
  const url = new URL(href);
  url.searchParams.set('cures', tensor);
  if (embed) url.searchParams.set('embed', 'cures');
  else if (url.searchParams.get('embed') === 'cures') url.searchParams.delete('embed');
  return url.toString();
}
