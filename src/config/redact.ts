/**
 * SECURITY: removes secrets from text that may reach logs, errors or responses:
 * every known secret verbatim (and percent-encoded), and the password part of any URL.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)[^@\s/]*@/gi, '$1***@');
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    out = out.split(secret).join('***');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('***');
  }
  return out;
}
