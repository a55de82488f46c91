// The evidence lab's embed targets (`?view=training&embed=ics`) and the core pair each one trains
// (training_config.cpp training_pair_list): read by the URL rules (state.js, settings.js) and the lab's hook.
export const LAB_EMBED_PAIRS = { ics: 'lab-ics', noisy: 'lab-noisy', smoothness: 'lab-smoothness', rank: 'lab-rank' };
