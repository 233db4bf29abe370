/**
 * SECURITY: replaces the literal after PASSWORD (CREATE/ALTER ROLE … [ENCRYPTED] PASSWORD '…',
 * CREATE USER MAPPING … OPTIONS (password '…')) with '***' before DDL text is kept in the audit
 * log or a log line. Handles '' escapes, E'' strings, dollar quotes, and a literal cut short.
 */
export function redactDdlPasswords(sql: string): string {
  return sql.replace(/(\bPASSWORD\s*)(E?'(?:[^']|'')*(?:'|$)|\$([A-Za-z_]\w*)?\$[\s\S]*?(?:\$\3\$|$))/gi, "$1'***'");
}

/** One-line summary of DDL for the audit log: passwords redacted, whitespace folded, cut to 300 characters. */
export function ddlSummary(sql: string): string {
  return redactDdlPasswords(sql).replace(/\s+/g, ' ').trim().slice(0, 300);
}
