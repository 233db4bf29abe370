import { z } from 'zod';

/**
 * One web origin, `scheme://host[:port]` with nothing after it, normalised the way browsers send it
 * in the Origin header (lower-case, default port dropped).
 */
const origin = z
  .string()
  .transform((value, ctx) => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    const bare = url && /^https?:$/.test(url.protocol) && !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash && !value.includes('*');
    if (!url || !bare) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not an origin; write it as https://host or https://host:port (no path, no "*")` });
      return z.NEVER;
    }
    return url.origin;
  });

/**
 * Which web pages may call the gateway from a browser. SECURITY: by default none but the gateway's
 * own pages (GraphiQL) on a loopback address; every other Origin is refused, over HTTP and WebSocket.
 */
export const corsSchema = z
  .object({
    /** Origins allowed to call the gateway from a browser, e.g. https://dash.example.com. No wildcards. */
    origins: z.array(origin).default([]),
  })
  .strict();
