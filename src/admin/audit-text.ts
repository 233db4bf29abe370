/** The literal after PASSWORD: E'' (backslash escapes), '' (doubled quotes) or $tag$…$tag$, possibly cut short. */
const PASSWORD_LITERAL = /((?<!')\bPASSWORD\s*)(E'(?:[^'\\]|\\[\s\S]|'')*(?:'|$)|'(?:[^']|'')*(?:'|$)|\$([A-Za-z_]\w*)?\$[\s\S]*?(?:\$\3\$|$))/gi;

/** The text inside a literal matched by PASSWORD_LITERAL, without its quotes. */
function literalText(literal: string): string {
  return literal.replace(/^E?'|'$/g, '').replace(/^\$\w*\$|\$\w*\$$/g, '');
}

/**
 * SECURITY: replaces the literal after PASSWORD (CREATE/ALTER ROLE … [ENCRYPTED] PASSWORD '…',
 * CREATE USER MAPPING … OPTIONS (password '…')) with '***' before DDL text is kept in the audit
 * log or a log line. Handles '' escapes, E'' strings, dollar quotes, and a literal cut short.
 */
export function redactDdlPasswords(sql: string): string {
  return sql.replace(PASSWORD_LITERAL, "$1'***'");
}

/**
 * One-line summary of DDL for the audit log: passwords redacted, whitespace folded, cut to 300
 * characters. With `error`, its message follows, with any password of the SQL removed from it too
 * (Postgres quotes the text near a syntax error, which may be the literal itself).
 */
export function ddlSummary(sql: string, error?: string): string {
  const secrets = [...sql.matchAll(PASSWORD_LITERAL)].map((m) => literalText(m[2])).filter((s) => s.length >= 3);
  const fold = (text: string) => text.replace(/\s+/g, ' ').trim();
  let message = error === undefined ? '' : redactDdlPasswords(error);
  for (const secret of secrets) message = message.split(secret).join('***');
  return `${fold(redactDdlPasswords(sql)).slice(0, 300)}${error === undefined ? '' : ` → ${fold(message)}`}`;
}
