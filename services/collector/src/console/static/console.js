// servping console: live progress without reloading, and the payload tree's key_path filter.
// Served as a file so the Content-Security-Policy can forbid inline script.
/* global CSS, document, fetch, setTimeout, window */
'use strict';

const POLL_MS = 1500;
const ACTIVE = new Set(['planned', 'running']);

function updateProgress(root, runId, p) {
  for (const box of root.querySelectorAll(`[data-progress="${CSS.escape(runId)}"]`)) {
    const bar = box.querySelector('progress');
    bar.max = Math.max(p.total, 1);
    bar.value = p.done;
    bar.textContent = `${p.percent} %`;
    box.querySelector('.progress-text').textContent = `${p.done}/${p.total} · ${p.percent} %`;
  }
  for (const state of root.querySelectorAll('[data-field="state"]')) {
    state.textContent = p.state;
    state.className = `state ${p.state}`;
  }
  const fallbacks = root.querySelector('[data-field="fallbacks"]');
  if (fallbacks && p.fallbacks !== null) fallbacks.textContent = String(p.fallbacks);
}

// The fragment is server-rendered and escaped like the page itself.
async function refreshDetails(url) {
  const res = await fetch(`${url}${window.location.search}`, { credentials: 'same-origin' });
  if (res.ok) document.getElementById('run-details').innerHTML = await res.text();
}

function follow(el) {
  const runId = el.dataset.run;
  let polls = 0;
  const tick = async () => {
    polls += 1;
    try {
      const res = await fetch(el.dataset.live, {
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      });
      if (!res.ok) return;
      const progress = await res.json();
      updateProgress(el, runId, progress);
      const done = !ACTIVE.has(progress.state);
      if (el.dataset.details && (done || polls % 3 === 0)) await refreshDetails(el.dataset.details);
      if (done) {
        el.removeAttribute('data-live');
        if (el.dataset.reloadWhenDone) window.location.assign(window.location.pathname);
        return;
      }
    } catch {
      // A missed poll (collector restarting) is retried at the next tick.
    }
    setTimeout(tick, POLL_MS);
  };
  setTimeout(tick, POLL_MS);
}

function filterTree(input) {
  const tree = document.getElementById(input.dataset.filterTree);
  const query = input.value.trim().toLowerCase();
  const visit = (li) => {
    const own = li.dataset.keyPath.toLowerCase().includes(query);
    let below = false;
    for (const child of li.querySelectorAll(':scope > details > ul > li')) below = visit(child) || below;
    const shown = query === '' || own || below;
    li.hidden = !shown;
    const details = li.querySelector(':scope > details');
    if (details && query !== '') details.open = below || own;
    return shown;
  };
  for (const li of tree.querySelectorAll(':scope > li')) visit(li);
}

document.addEventListener('DOMContentLoaded', () => {
  for (const el of document.querySelectorAll('[data-live]')) follow(el);
  for (const input of document.querySelectorAll('input[data-filter-tree]')) {
    input.addEventListener('input', () => filterTree(input));
  }
});
