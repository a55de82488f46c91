// The training view's notices about a link's settings (setting-words.js names each setting).

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
