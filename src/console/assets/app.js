// The console shell: sign-in, navigation by role, one page at a time.
import { closeSocket, gql, session } from './api.js';
import { errorBox, fill, h } from './dom.js';
import { databasesPage } from './page-databases.js';
import { migrationsPage } from './page-migrations.js';
import { auditPage, keysPage, relationshipsPage } from './page-admin.js';

/** Pages and the least role that may see them (src/auth/access-table.ts decides; this only hides what would be refused). */
const PAGES = [
  { id: 'databases', title: 'Databases', role: 'READER', render: databasesPage },
  { id: 'relationships', title: 'Relationships', role: 'ADMIN', render: relationshipsPage },
  { id: 'migrations', title: 'Migrations', role: 'ADMIN', render: migrationsPage },
  { id: 'audit', title: 'Audit log', role: 'ADMIN', render: auditPage },
  { id: 'keys', title: 'API keys', role: 'ADMIN', render: keysPage },
];
const RANK = { READER: 1, WRITER: 2, ADMIN: 3 };

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signInForm = document.getElementById('sign-in');
let viewer;
let cleanup = () => {};

const allowed = () => PAGES.filter((p) => RANK[viewer.role] >= RANK[p.role]);

function show() {
  cleanup();
  const pages = allowed();
  const page = pages.find((p) => `#/${p.id}` === location.hash) ?? pages[0];
  for (const a of nav.children) a.classList.toggle('active', a.dataset.page === page.id);
  const root = h('section', { id: `page-${page.id}` });
  fill(main, root);
  cleanup = page.render(root, viewer) ?? (() => {});
}

async function signIn(key) {
  if (key) session.set(key);
  else session.clear();
  try {
    viewer = (await gql('{ viewer { name role databases } }')).viewer;
  } catch (error) {
    session.clear();
    throw error;
  }
  fill(nav, allowed().map((p) => h('a', { href: `#/${p.id}`, dataset: { page: p.id } }, p.title)));
  nav.hidden = false;
  document.getElementById('sign-out').hidden = false;
  fill(document.getElementById('who'), `${viewer.name} · ${viewer.role.toLowerCase()}${viewer.databases ? ` · ${viewer.databases.join(', ')}` : ''}`);
  addEventListener('hashchange', show);
  show();
}

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('api-key');
  const key = input.value.trim();
  input.value = '';
  signIn(key).catch((error) => fill(document.getElementById('sign-in-error'), errorBox(error)));
});

document.getElementById('sign-out').addEventListener('click', () => {
  session.clear();
  closeSocket();
  location.hash = '';
  location.reload();
});

// A key kept from earlier in this tab signs in again after a reload.
if (session.key) signIn(session.key).catch(() => fill(main, signInForm));
