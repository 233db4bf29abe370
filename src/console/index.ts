import { fileURLToPath } from 'node:url';

/**
 * The web console: static files (HTML, CSS, hand-written ES modules and the graphql-ws client
 * bundled into `assets/vendor/`), served by `server/` at /console. They sit next to this module
 * in src/ and in dist/ (`npm run build` copies them), so the package needs no CDN and no download.
 */
export const CONSOLE_ASSETS_DIR: string = fileURLToPath(new URL('./assets/', import.meta.url));

/** Where the console is served. */
export const CONSOLE_PATH = '/console';
