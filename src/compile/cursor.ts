/** Opaque keyset cursors: base64url of the JSON array of the row's order-by values (as text). */
export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The values of a cursor, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): unknown[] | undefined {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(values) && values.every((v) => v === null || typeof v === 'string') ? values : undefined;
  } catch {
    return undefined;
  }
}
