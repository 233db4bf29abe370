import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../errors/index.js';

/**
 * Reads a request body of at most `maxBytes` into memory: the Buffer, or undefined once it is
 * known to be larger (from content-length, before reading anything, or while reading). Rejects when
 * the client aborts.
 */
export function readBodyWithin(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // NOTE: stop buffering at once; the 413 closes the connection, so the rest is never read.
      req.off('data', onData);
      req.pause();
      resolve(undefined);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/** Answers 413 with a GraphQL-shaped JSON error (code PAYLOAD_TOO_LARGE) and closes the connection. */
export function sendTooLarge(res: ServerResponse, maxBytes: number): void {
  const error = new GatewayError('PAYLOAD_TOO_LARGE', `[limits] the request body is larger than ${maxBytes} bytes (limits.maxBodyBytes)`, {
    hint: 'send a shorter document and smaller variables, or raise limits.maxBodyBytes',
    details: { limit: maxBytes },
  });
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(JSON.stringify({ errors: [error.toJSON()] }));
}
