// Relationships, the audit log and API keys (admins only; the nav offers them to no one else).
import { gql } from './api.js';
import { dateTime, errorBox, fill, h } from './dom.js';

const table = (head, rows) => h('table', {}, h('tr', {}, head.map((t) => h('th', {}, t))), rows);

/** Renders `load()`'s result into `root` with `view`, or the error. */
async function loadInto(root, title, load, view) {
  const body = h('div', { class: 'card' }, 'loading…');
  fill(root, h('h1', {}, title), body);
  try {
    fill(body, view(await load()));
  } catch (error) {
    fill(body, errorBox(error));
  }
}

const end = (e) => `${e.database}.${e.table}(${e.columns.join(', ')})`;

export function relationshipsPage(root) {
  loadInto(
    root,
    'Relationships',
    () => gql('{ relationships { name type from { database table columns } to { database table columns } } }'),
    ({ relationships }) =>
      relationships.length
        ? table(['name', 'type', 'from', 'to'], relationships.map((r) => h('tr', {}, h('td', {}, r.name), h('td', {}, r.type.toLowerCase()), h('td', { class: 'mono' }, end(r.from)), h('td', { class: 'mono' }, end(r.to)))))
        : h('p', { class: 'muted' }, 'No cross-database relationships.'),
  );
}

export function auditPage(root) {
  loadInto(
    root,
    'Audit log',
    () => gql('{ auditLog(limit: 100) { at actor action database summary outcome } }'),
    ({ auditLog }) =>
      auditLog.length
        ? table(['when', 'actor', 'action', 'database', 'outcome', 'summary'], auditLog.map((e) =>
            h('tr', {}, h('td', {}, dateTime(e.at)), h('td', {}, e.actor), h('td', {}, e.action), h('td', {}, e.database ?? ''), h('td', {}, h('span', { class: `status ${e.outcome === 'OK' ? 'UP' : 'DOWN'}` }, e.outcome)), h('td', { class: 'mono' }, e.summary))))
        : h('p', { class: 'muted' }, 'Nothing recorded yet (without a control database the log goes to the server log).'),
  );
}

export function keysPage(root) {
  const created = h('div');
  const list = h('div', { class: 'card' });
  const problem = h('div');
  const form = h(
    'form',
    { class: 'card', id: 'key-form' },
    h('h2', {}, 'Create a key'),
    h('div', { class: 'row' },
      h('label', {}, 'Label ', h('input', { name: 'label', type: 'text', required: true, maxlength: 100 })),
      h('label', {}, 'Role ', h('select', { name: 'role' }, ['READER', 'WRITER', 'ADMIN'].map((r) => h('option', { value: r }, r.toLowerCase())))),
      h('label', {}, 'Databases ', h('input', { name: 'databases', type: 'text', placeholder: 'all of yours (comma-separated to limit)' })),
      h('button', { type: 'submit', class: 'primary' }, 'Create')),
    problem,
  );
  fill(root, h('h1', {}, 'API keys'), form, created, list);

  const load = async () => {
    try {
      const { apiKeys } = await gql('{ apiKeys { id label role databases createdAt revokedAt } }');
      fill(list, table(['label', 'role', 'databases', 'created', 'state', ''], apiKeys.map((k) => {
        const revoke = h('button', { type: 'button', dataset: { revoke: k.id } }, 'Revoke');
        // Two clicks: the first asks, the second revokes (no blocking confirm dialog).
        revoke.addEventListener('click', async () => {
          if (!revoke.dataset.armed) {
            revoke.dataset.armed = '1';
            fill(revoke, `Revoke "${k.label}"?`);
            return;
          }
          try {
            await gql('mutation($id: ID!) { revokeApiKey(id: $id) }', { id: k.id });
            await load();
          } catch (error) {
            fill(problem, errorBox(error));
          }
        });
        return h('tr', { dataset: { key: k.id } }, h('td', {}, k.label), h('td', {}, k.role.toLowerCase()), h('td', {}, k.databases ? k.databases.join(', ') : 'all'),
          h('td', {}, dateTime(k.createdAt)), h('td', {}, k.revokedAt ? `revoked ${dateTime(k.revokedAt)}` : 'active'), h('td', {}, k.revokedAt ? null : revoke));
      })));
    } catch (error) {
      fill(list, errorBox(error));
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(problem);
    fill(created);
    const data = new FormData(form);
    const databases = String(data.get('databases') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    try {
      const { createApiKey } = await gql('mutation($label: String!, $role: GatewayRole!, $databases: [String!]) { createApiKey(label: $label, role: $role, databases: $databases) { id key label } }', {
        label: String(data.get('label')),
        role: String(data.get('role')),
        databases: databases.length ? databases : null,
      });
      form.reset();
      // The key is shown once, here; the gateway stores only its hash.
      fill(created, h('div', { class: 'card' }, h('p', { id: 'new-key-label' }, `Key "${createApiKey.label}" — copy it now, it is not shown again:`), h('p', { class: 'secret mono', id: 'new-key' }, createApiKey.key),
        h('button', { type: 'button', onclick: () => fill(created) }, 'Done')));
      await load();
    } catch (error) {
      fill(problem, errorBox(error));
    }
  });
  load();
}
