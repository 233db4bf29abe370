// Databases: status, latency, version, mode, pool gauges, last error with hint; live over graphql-ws.
import { subscribe } from './api.js';
import { bar, errorBox, fill, h } from './dom.js';

const STATUS = `subscription ConsoleDatabases {
  databaseStatus { name purpose status serverVersion mode readOnly latencyMs error hint tables pool { total idle waiting max } }
}`;

function card(d) {
  const poolShare = d.pool.max ? d.pool.total / d.pool.max : 0;
  return h(
    'article',
    { class: 'card database', dataset: { database: d.name, status: d.status } },
    h('div', { class: 'db-head' }, h('h2', {}, d.name), h('span', { class: `status ${d.status}` }, d.status)),
    d.purpose ? h('p', { class: 'muted' }, d.purpose) : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'latency'), h('dd', {}, d.latencyMs == null ? '—' : `${d.latencyMs.toFixed(1)} ms`),
      h('dt', {}, 'server'), h('dd', {}, d.serverVersion ?? '—'),
      h('dt', {}, 'mode'), h('dd', {}, `${d.mode.toLowerCase()}${d.readOnly ? ', read-only' : ''}`),
      h('dt', {}, 'tables'), h('dd', {}, String(d.tables)),
      h('dt', {}, 'pool'), h('dd', { class: 'pool' }, bar(poolShare), h('span', { class: 'muted' }, `${d.pool.total}/${d.pool.max} open · ${d.pool.idle} idle · ${d.pool.waiting} waiting`)),
    ),
    // The gateway appends the hint to the message; it is shown on its own line instead.
    d.error ? h('p', { class: 'error' }, d.hint ? d.error.replace(` (hint: ${d.hint})`, '') : d.error) : null,
    d.hint ? h('p', { class: 'hint' }, `hint: ${d.hint}`) : null,
  );
}

/** Renders into `root`; returns the cleanup (unsubscribes). */
export function databasesPage(root) {
  const live = h('span', { class: 'live' }, 'connecting…');
  const grid = h('div', { class: 'grid' });
  const problem = h('div');
  fill(root, h('div', { class: 'row' }, h('h1', {}, 'Databases'), live), problem, grid);
  return subscribe(STATUS, {}, {
    next: (data) => {
      live.className = 'live on';
      fill(live, `live · ${new Date().toLocaleTimeString()}`);
      fill(problem);
      fill(grid, data.databaseStatus.map(card));
    },
    error: (error) => {
      live.className = 'live';
      fill(live, 'disconnected');
      fill(problem, errorBox(error));
    },
  });
}
