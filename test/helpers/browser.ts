import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (playwright's own browser download cannot work here). */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);

/** The Chromium executable, or undefined when none is installed. */
export const chromiumPath: string | undefined = CANDIDATES.find((p) => existsSync(p));

/** Why browser tests are skipped (printed loudly), or undefined when they run. */
export const browserSkipReason: string | undefined = chromiumPath
  ? undefined
  : `no Chromium at ${CANDIDATES.join(' or ')}: install it (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH`;

if (browserSkipReason) process.stderr.write(`\n*** BROWSER TESTS SKIPPED: ${browserSkipReason} ***\n\n`);

/**
 * Launches headless Chromium (playwright gives it a fresh profile; no background networking).
 * Name resolution maps every host but 127.0.0.1 to nothing, so a page that needs a CDN fails
 * here as it would offline.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}

/**
 * A fresh context (own storage) that can reach 127.0.0.1 only; the hosts of refused requests are
 * collected in `refused`, so a test can say which outside address a page tried.
 */
export async function offlineContext(browser: Browser): Promise<{ context: BrowserContext; refused: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const refused: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (['data:', 'blob:'].includes(url.protocol) || url.hostname === '127.0.0.1') return route.continue();
    refused.push(url.origin);
    return route.abort('internetdisconnected');
  });
  return { context, refused };
}
