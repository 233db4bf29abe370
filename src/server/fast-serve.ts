import { appendFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayContext } from '../schema/index.js';
import { writeBody, type createFastPath, type FastAnswer } from './fast-path.js';

/**
 * `on`: the fast path answers what it can, yoga the rest. `off`: yoga answers everything.
 * `verify`: yoga answers everything and the fast path's answer is computed too and compared
 * byte for byte (status, content type, body); a difference is answered with 500
 * FAST_PATH_MISMATCH so the test that sent it fails. For tests and diagnosis only.
 */
export type FastPathMode = 'on' | 'off' | 'verify';

/** Serves one POST /graphql whose body has been read (`req.body`), or hands it to `fallback`. */
export type FastHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer, fallback: () => void) => void;

function write(res: ServerResponse, answer: FastAnswer): void {
  // PERF: a Buffer, not a string: node's writev converts a string through a buffer three times its length.
  const body = writeBody(answer.body);
  res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': body.length });
  res.end(body);
}

/** The handler for `mode`, or undefined for `off`. */
export function createFastHandler(
  fast: ReturnType<typeof createFastPath>,
  yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>,
  mode: FastPathMode,
  log: Logger,
): FastHandler | undefined {
  if (mode === 'off') return undefined;
  if (mode === 'on') {
    return (req, res, body, fallback) => {
      fast.answer(req, body).then(
        (answer) => (answer ? write(res, answer) : fallback()),
        (error: Error) => {
          log.error({ err: error.message }, 'fast path failed; answering through the full pipeline');
          fallback();
        },
      );
    };
  }
  // NOTE: SWITCHYARD_FAST_PATH_LOG names a file that gets one line per compared request (the differential test's tally).
  const tally = process.env.SWITCHYARD_FAST_PATH_LOG;
  return (req, res, body) => {
    void (async () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['content-length', 'transfer-encoding', 'connection'].includes(name)) headers[name] = value;
      }
      const reference = await yoga.fetch(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/graphql'}`, { method: 'POST', headers, body });
      const referenceBody = await reference.text();
      const answer = await fast.answer(req, body, { count: false });
      const same =
        !answer ||
        (answer.status === reference.status && answer.contentType === reference.headers.get('content-type') && writeBody(answer.body).toString() === referenceBody);
      if (answer && tally) appendFileSync(tally, `${same ? 'same' : 'DIFFERENT'}\t${JSON.stringify(body.toString('utf8').slice(0, 2000))}\n`);
      if (!same) {
        const detail = { code: 'FAST_PATH_MISMATCH', fast: { ...answer, body: writeBody(answer.body).toString() }, reference: { status: reference.status, contentType: reference.headers.get('content-type'), body: referenceBody } };
        log.error(detail, 'fast path answer differs from the full pipeline');
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        return res.end(JSON.stringify({ errors: [{ message: 'fast path answer differs from the full pipeline', extensions: detail }] }));
      }
      const out: Record<string, string> = {};
      reference.headers.forEach((value, name) => void (out[name] = value));
      res.writeHead(reference.status, out);
      res.end(referenceBody);
    })().catch((error: Error) => {
      log.error({ err: error.message }, 'fast path verification failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
}
