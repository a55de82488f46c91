// The training view's menus, made from the tables they list: the pair select and the one-click pair
// buttons from the core's pair table (settings.js PAIRS, ls.trainingPairs), the tensor select from the
// page's one tensor table (state.js).
import { fillTensorSelect } from '../state.js';
import { PAIRS } from './settings.js';

const $ = id => document.getElementById(id);

// run(name): a one-click button was pressed.
export function fillMenus(run) {
  fillTensorSelect($('t.tensor'));
  const pairs = Object.entries(PAIRS);
  $('t.preset').replaceChildren(...pairs.map(([name, p]) => new Option(name === 'built' ? 'The pair you built (init-time view)' : p.title, name)));
  $('t-pairs').replaceChildren(...pairs.filter(([name]) => name !== 'built').map(([name, p]) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.id = `t-${name}`;
    button.textContent = p.title;
    button.title = `A: ${p.aLabel}; B: ${p.bLabel}`;
    button.addEventListener('click', () => run(name));
    return button;
  }));
}
