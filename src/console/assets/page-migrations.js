// Migration runs: start one (dry run first), a progress bar per database, the event log streaming over graphql-ws.
import { gql, subscribe } from './api.js';
import { bar, dateTime, errorBox, fill, h, time } from './dom.js';

/** Fields of MigrationEvent when introspection is off (docs/PROTOCOL.md); with it on, every scalar field is asked for. */
const KNOWN_EVENT_FIELDS = ['type', 'runId', 'seq', 'at', 'database', 'databases', 'name', 'index', 'total', 'durationMs', 'error', 'status'];
let eventFields;

/**
 * The event selection: every scalar or enum field MigrationEvent has, read once by introspection, so
 * event types and fields added later (statement progress, lock waits…) are shown without a change here.
 */
async function eventSelection() {
  if (!eventFields) {
    try {
      const { __type } = await gql('{ __type(name: "MigrationEvent") { fields { name type { kind ofType { kind ofType { kind ofType { kind } } } } } } }');
      const leaf = (t) => (t.ofType ? leaf(t.ofType) : ['SCALAR', 'ENUM'].includes(t.kind));
      eventFields = __type.fields.filter((f) => leaf(f.type)).map((f) => f.name);
    } catch {
      eventFields = KNOWN_EVENT_FIELDS;
    }
  }
  return eventFields.join(' ');
}

/** What a statement-level event (statement progress, lock wait, index build) says about its database now. */
function statementNote(e) {
  if (e.type === 'LOCK_WAIT') return `waiting for a lock ${e.waitedMs ?? '?'} ms${e.blockingPid ? ` (pid ${e.blockingPid})` : ''}`;
  if (e.type === 'INDEX_PROGRESS') return `index ${String(e.phase ?? '').toLowerCase()} ${e.blocksDone ?? 0}/${e.blocksTotal ?? '?'} blocks`;
  return `statement ${e.statement}/${e.statements}`;
}

/**
 * Progress of one run from its events: per database, migrations done of its total, plus the share of
 * the running migration's statements when statement-level events carry `statement`/`statements`.
 */
export function progressOf(events) {
  const dbs = new Map();
  let finished = null;
  let error = null;
  const db = (name) => (dbs.has(name) ? dbs.get(name) : dbs.set(name, { done: 0, total: null, failed: false, partial: 0, note: '' }).get(name));
  for (const e of events) {
    if (e.type === 'RUN_STARTED') for (const name of e.databases ?? []) db(name);
    else if (e.type === 'MIGRATION_STARTED') Object.assign(db(e.database), { total: e.total, partial: 0, note: '' });
    else if (e.type === 'MIGRATION_PLANNED') Object.assign(db(e.database), { total: e.total, done: e.index });
    else if (e.type === 'MIGRATION_APPLIED') Object.assign(db(e.database), { done: db(e.database).done + 1, partial: 0, note: '' });
    else if (e.type === 'MIGRATION_FAILED') Object.assign(db(e.database), { failed: true, note: '' });
    else if (e.type === 'RUN_FINISHED') ({ status: finished, error } = e);
    else if (e.database && typeof e.statement === 'number' && e.statements > 0) {
      const d = db(e.database);
      d.partial = (e.type === 'STATEMENT_FINISHED' ? e.statement : e.statement - 1) / e.statements;
      d.note = statementNote(e);
    }
  }
  const rows = [...dbs].map(([name, d]) => {
    const fraction = finished === 'SUCCEEDED' ? 1 : d.total ? Math.min(1, (d.done + d.partial) / d.total) : 0;
    const count = d.total ? `${d.done}/${d.total}` : finished === 'SUCCEEDED' ? 'up to date' : '…';
    return { name, fraction, failed: d.failed, label: finished ? count : [count, d.note].filter(Boolean).join(' · ') };
  });
  return { rows, finished, error };
}

/** One log line: seq, time, type, database and migration, then any other field the event carries. */
function logLine(e) {
  const shown = new Set(['type', 'runId', 'seq', 'at', 'database', 'name']);
  const extra = Object.entries(e)
    .filter(([k, v]) => !shown.has(k) && v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`);
  return h('li', { class: e.type, dataset: { type: e.type } }, `#${e.seq} ${time(e.at)} ${e.type}${e.database ? ` ${e.database}` : ''}${e.name ? ` ${e.name}` : ''}${extra.length ? `  ${extra.join(' ')}` : ''}`);
}

/** Follows one run in `panel`: replay, then live events, until RUN_FINISHED. Returns the unsubscribe function. */
function followRun(panel, run, onFinished) {
  const events = [];
  const bars = h('div', { class: 'progress' });
  const log = h('ul', { class: 'log', 'aria-label': 'event log' });
  const head = h('div', { class: 'row' });
  const problem = h('div');
  fill(panel, head, bars, problem, h('h2', {}, 'Events'), log);
  const render = () => {
    const { rows, finished, error } = progressOf(events);
    fill(head, h('h2', {}, `Run ${run.id.slice(0, 8)}${run.dryRun ? ' (dry run)' : ''}`), h('span', { class: `status ${finished ?? 'RUNNING'}`, id: 'run-status' }, finished ?? 'RUNNING'));
    fill(bars, rows.map((r) => h('div', { class: 'progress-row', dataset: { database: r.name } }, h('span', {}, r.name), bar(r.fraction, r.failed ? 'failed' : r.fraction >= 1 ? 'done' : ''), h('span', { class: 'muted note' }, r.label))));
    fill(problem, error ? errorBox(new Error(error)) : null);
  };
  render();
  let stop = () => {};
  let stopped = false;
  eventSelection().then((fields) => {
    if (stopped) return;
    stop = subscribe(`subscription($runId: ID!) { migrationProgress(runId: $runId) { ${fields} } }`, { runId: run.id }, {
      next: (data) => {
        const e = data.migrationProgress;
        events.push(e);
        log.append(logLine(e));
        log.scrollTop = log.scrollHeight;
        render();
        if (e.type === 'RUN_FINISHED') onFinished?.(e);
      },
      error: (error) => fill(problem, errorBox(error)),
    });
  });
  return () => {
    stopped = true;
    stop();
  };
}

/** Renders into `root` (admins only; the nav offers it to no one else). Returns the cleanup. */
export function migrationsPage(root) {
  const form = h('form', { class: 'card', id: 'run-form' });
  const runPanel = h('div', { class: 'card', id: 'run', hidden: true });
  const history = h('div', { class: 'card' });
  fill(root, h('h1', {}, 'Migrations'), form, runPanel, history);
  let unfollow = () => {};
  let dryRunOk = null; // the settings of the last successful dry run

  const follow = (run, onFinished) => {
    unfollow();
    runPanel.hidden = false;
    runPanel.dataset.runId = run.id;
    runPanel.dataset.dryRun = String(!!run.dryRun);
    unfollow = followRun(runPanel, run, onFinished);
  };

  const loadHistory = async () => {
    try {
      const { migrationRuns } = await gql('{ migrationRuns(limit: 10) { id status dryRun direction databases startedBy startedAt } }');
      fill(
        history,
        h('h2', {}, 'Recent runs'),
        h('table', {}, h('tr', {}, ['started', 'by', 'databases', 'direction', 'status', ''].map((t) => h('th', {}, t))),
          migrationRuns.map((r) => h('tr', {},
            h('td', {}, dateTime(r.startedAt)), h('td', {}, r.startedBy ?? ''), h('td', {}, r.databases.join(', ')),
            h('td', {}, `${r.direction.toLowerCase()}${r.dryRun ? ' (dry run)' : ''}`), h('td', {}, h('span', { class: `status ${r.status}` }, r.status)),
            h('td', {}, h('button', { type: 'button', onclick: () => follow(r) }, 'Events'))))),
      );
    } catch (error) {
      fill(history, errorBox(error));
    }
  };

  const settings = () => {
    const data = new FormData(form);
    const count = String(data.get('count') ?? '').trim();
    const parallel = String(data.get('parallel') ?? '').trim();
    return {
      databases: data.getAll('database').map(String),
      direction: String(data.get('direction')),
      count: count ? Number(count) : null,
      parallel: parallel ? Number(parallel) : 1,
      onError: data.get('continue') ? 'CONTINUE' : 'STOP',
    };
  };
  const same = (a, b) => !!a && !!b && JSON.stringify(a) === JSON.stringify(b);
  const runButton = h('button', { type: 'button', class: 'primary', id: 'run-button', disabled: true }, 'Run');
  const dryButton = h('button', { type: 'button', id: 'dry-run-button' }, 'Dry run');
  const formProblem = h('div');
  const sync = () => {
    runButton.disabled = !same(dryRunOk, settings());
    runButton.title = runButton.disabled ? 'run a dry run with these settings first' : '';
  };
  const start = async (dryRun) => {
    const chosen = settings();
    fill(formProblem);
    if (!chosen.databases.length) return fill(formProblem, errorBox(new Error('choose at least one database')));
    try {
      const { runMigrations } = await gql(
        `mutation($databases: [String!], $direction: MigrationDirection, $count: Int, $dryRun: Boolean, $parallel: Int, $onError: MigrationOnError) {
          runMigrations(databases: $databases, direction: $direction, count: $count, dryRun: $dryRun, parallel: $parallel, onError: $onError) { id dryRun }
        }`,
        { ...chosen, dryRun },
      );
      follow(runMigrations, (finished) => {
        if (dryRun) dryRunOk = finished.status === 'SUCCEEDED' ? chosen : null;
        else dryRunOk = null; // a real run changes what the next one would do
        sync();
        loadHistory();
      });
    } catch (error) {
      fill(formProblem, errorBox(error));
    }
  };
  dryButton.addEventListener('click', () => start(true));
  runButton.addEventListener('click', () => start(false));
  form.addEventListener('change', sync);
  form.addEventListener('submit', (e) => e.preventDefault());

  gql('{ databases { name readOnly mode status } }').then(
    ({ databases }) => {
      fill(
        form,
        h('h2', {}, 'Start a run'),
        h('div', { class: 'row' }, databases.map((d) => {
          const blocked = d.readOnly || d.mode === 'TRANSACTION';
          return h('label', { title: blocked ? 'read-only or transaction pooler: cannot be migrated' : '' }, h('input', { type: 'checkbox', name: 'database', value: d.name, checked: !blocked, disabled: blocked }), ` ${d.name}`);
        })),
        h('div', { class: 'row' },
          h('label', {}, 'Direction ', h('select', { name: 'direction' }, h('option', { value: 'UP' }, 'up'), h('option', { value: 'DOWN' }, 'down'))),
          h('label', {}, 'Count ', h('input', { name: 'count', type: 'number', min: 1, placeholder: 'all up / 1 down' })),
          h('label', {}, 'Parallel ', h('input', { name: 'parallel', type: 'number', min: 1, value: 1 })),
          h('label', {}, h('input', { name: 'continue', type: 'checkbox' }), ' carry on when a database fails')),
        h('div', { class: 'row' }, dryButton, runButton, h('span', { class: 'muted' }, 'A run is offered once a dry run with the same settings succeeded.')),
        formProblem,
      );
    },
    (error) => fill(form, errorBox(error)),
  );
  loadHistory();
  return () => unfollow();
}
