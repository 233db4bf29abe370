import { describe, expect, it } from 'vitest';
import { connectionHint } from '../../src/connections/index.js';

const pooler = { host: 'aws-0-us-east-1.pooler.supabase.com', port: 6543, user: 'postgres' };

describe('connection error hints', () => {
  it('"Tenant or user not found" says the user must be postgres.<project-ref>', () => {
    expect(connectionHint('Tenant or user not found', pooler)).toMatch(/postgres\.<project-ref>/);
  });
  it('an unreachable network or an IPv6-only host points to the pooler', () => {
    expect(connectionHint('connect ENETUNREACH 2600:1f18::1:5432', { host: 'db.abcd.supabase.co', port: 5432, user: 'postgres' })).toMatch(/pooler/);
    expect(connectionHint('timeout', { host: '2600:1f18::1', port: 5432, user: 'postgres' })).toMatch(/IPv6-only/);
  });
  it('TLS problems say which ssl setting to use', () => {
    expect(connectionHint('self-signed certificate in certificate chain', pooler)).toMatch(/ssl: on/);
    expect(connectionHint('no pg_hba.conf entry for host "1.2.3.4", user "x", database "y", no encryption', pooler)).toMatch(/requires TLS: set ssl: on/);
  });
  it('a failed password names the user', () => {
    expect(connectionHint('password authentication failed for user "reporting"', { ...pooler, user: 'reporting' })).toBe('check the password of user "reporting"');
  });
  it('has no hint for an error it does not know', () => {
    expect(connectionHint('relation "x" does not exist', pooler)).toBeUndefined();
  });
});
