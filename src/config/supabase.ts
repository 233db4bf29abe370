/** Fields of the `supabase:` shorthand that the pooler endpoint depends on. */
export interface SupabaseShorthand {
  projectRef: string;
  region: string;
  password: string;
  mode: 'session' | 'transaction';
  host?: string;
  database: string;
}

/** Supavisor ports: session mode keeps a server connection per client (DDL, prepared statements); transaction mode shares them. */
export const SUPABASE_POOLER_PORT = { session: 5432, transaction: 6543 } as const;

/**
 * Endpoint of a Supabase project's connection pooler. The pooler tells tenants
 * apart by the user name, which must be `postgres.<project-ref>`.
 */
export function supabasePoolerEndpoint(s: SupabaseShorthand) {
  return {
    host: s.host ?? `aws-0-${s.region}.pooler.supabase.com`,
    port: SUPABASE_POOLER_PORT[s.mode],
    user: `postgres.${s.projectRef}`,
    password: s.password,
    database: s.database,
  };
}

/** The same endpoint as a URL, with the password percent-encoded. */
export function supabasePoolerUrl(s: SupabaseShorthand): string {
  const e = supabasePoolerEndpoint(s);
  return `postgres://${e.user}:${encodeURIComponent(e.password)}@${e.host}:${e.port}/${e.database}`;
}
