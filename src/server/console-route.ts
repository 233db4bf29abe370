import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { CONSOLE_ASSETS_DIR, CONSOLE_PATH } from '../console/index.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * SECURITY: the console runs only its own files. Scripts, styles and connections (fetch and the
 * graphql-ws socket) are limited to the gateway's origin, nothing may frame it, and it sends no
 * Referer (the API key never appears in a URL anyway).
 */
const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Every file of the console by its URL path, read once (about 40 KB in all). */
function loadAssets(dir: string, prefix = ''): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) for (const [k, v] of loadAssets(full, `${prefix}${entry.name}/`)) files.set(k, v);
    else if (TYPES[path.extname(entry.name)]) files.set(`${prefix}${entry.name}`, { body: readFileSync(full), type: TYPES[path.extname(entry.name)] });
  }
  return files;
}

let assets: Map<string, { body: Buffer; type: string }> | undefined;

/**
 * Answers GET/HEAD under /console from the files in src/console/assets (index.html for the
 * folder itself). Returns false when `pathname` is not the console's, so the caller goes on.
 * NOTE: only files listed at the first request are served; a path is a map key, never joined
 * onto the file system, so `..` cannot leave the folder.
 */
export function handleConsole(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (pathname !== CONSOLE_PATH && !pathname.startsWith(`${CONSOLE_PATH}/`)) return false;
  if (pathname === CONSOLE_PATH) {
    res.writeHead(308, { location: `${CONSOLE_PATH}/` }).end();
    return true;
  }
  try {
    assets ??= loadAssets(CONSOLE_ASSETS_DIR);
  } catch {
    // NOTE: a build that left the assets out must not take the server down with this request.
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`console files missing at ${CONSOLE_ASSETS_DIR}; rebuild the package (npm run build)\n`);
    return true;
  }
  const file = assets.get(pathname.slice(CONSOLE_PATH.length + 1) || 'index.html');
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...HEADERS }).end('not found\n');
    return true;
  }
  res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length, ...HEADERS });
  res.end(req.method === 'HEAD' ? undefined : file.body);
  return true;
}
