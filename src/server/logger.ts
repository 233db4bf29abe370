import pino, { type Logger } from 'pino';
import { redactSecrets } from '../config/index.js';

/**
 * The gateway's pino logger. SECURITY: known secret fields are censored by path, and every
 * string argument is scrubbed of the registered secrets and of passwords inside URLs.
 */
export function createLogger(level: string, secrets: () => Iterable<string>, destination?: pino.DestinationStream): Logger {
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') return redactSecrets(value, secrets());
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
    }
    return value;
  };
  return pino(
    {
      level,
      base: { service: 'switchyard' },
      redact: {
        paths: ['password', '*.password', 'url', '*.url', 'config', '*.config', 'headers.authorization', 'req.headers.authorization', 'secretKey', 'apiKey'],
        censor: '***',
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map(scrub) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
