// Messages shown to the reader name a setting by the words of its control ("Learning rate"), not by its
// URL key ("t.learning_rate"): the core's message after the key stays as it is.

// The visible label of a control, or null when the page has no such control.
export function controlLabel(id) {
  const label = document.getElementById(id)?.labels?.[0];
  return label ? label.textContent.replace(/\s+/g, ' ').trim() : null;
}

// "t.learning_rate: must be ..." -> "Learning rate: must be ...". key: how the message names the setting
// (the URL key, or the core's field name); id: its control's (the URL key).
export function inControlWords(message, key, id = key) {
  const label = controlLabel(id);
  return label && message.startsWith(`${key}:`) ? label + message.slice(key.length) : message;
}

// The notices about a link's training settings: a list under a heading, and a Dismiss button.
export function showNotices(box, notices) {
  box.replaceChildren();
  if (!notices.length) { box.hidden = true; return; }
  const p = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = 'Some training settings in the link could not be used:';
  p.appendChild(strong);
  const ul = document.createElement('ul');
  for (const n of notices) {
    const li = document.createElement('li');
    li.textContent = n;
    ul.appendChild(li);
  }
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.textContent = 'Dismiss';
  dismiss.addEventListener('click', () => { box.hidden = true; });
  box.append(p, ul, dismiss);
  box.hidden = false;
}
