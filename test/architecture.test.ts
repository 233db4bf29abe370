import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Which src/ folders each folder may import (ARCHITECTURE.md: imports point one way). */
const ALLOWED: Record<string, string[]> = {
  errors: [],
  embedded: [],
  auth: ['errors'],
  config: ['auth', 'errors'],
  connections: ['config', 'errors'],
  catalog: ['errors'],
  naming: ['catalog', 'errors'],
  compile: ['naming', 'catalog', 'errors'],
  federation: ['compile', 'naming', 'catalog', 'config', 'errors'],
  live: ['compile', 'connections', 'config', 'errors'],
  schema: ['auth', 'federation', 'compile', 'naming', 'catalog', 'config', 'errors'],
  control: ['auth', 'connections', 'config', 'errors'],
  ops: ['control', 'catalog', 'connections', 'config', 'errors'],
  admin: ['auth', 'schema', 'ops', 'control', 'naming', 'catalog', 'connections', 'config', 'errors'],
  console: [],
  // The command line sits on top, with main.ts and demo.ts (top-level modules, not folders).
  cli: ['server', 'console', 'live', 'admin', 'auth', 'ops', 'control', 'schema', 'federation', 'compile', 'naming', 'catalog', 'connections', 'config', 'errors', 'embedded', 'demo.js'],
  server: ['live', 'console', 'admin', 'auth', 'ops', 'control', 'schema', 'federation', 'compile', 'naming', 'catalog', 'connections', 'config', 'errors'],
};

/** Which package only which folders may import (STYLE.md: who owns which library). */
const OWNERS: Record<string, string[]> = {
  pg: ['connections', 'ops', 'control'],
  kysely: ['compile', 'connections'],
  '@pothos/core': ['schema'],
  'graphql-yoga': ['server'],
  'graphql-ws': ['server'],
  ws: ['server'],
  'node-pg-migrate': ['ops'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

const files = sourceFiles('src').filter((f) => path.dirname(f) !== 'src');
const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]);

describe('architecture', () => {
  it('every folder imports only the layers to its left', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = file.split(path.sep)[1];
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = path.relative('src', path.resolve(path.dirname(file), spec)).split(path.sep)[0];
        if (target !== layer && !ALLOWED[layer]?.includes(target)) violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('other folders import a folder through its index.ts, not its insides', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = file.split(path.sep)[1];
      for (const spec of importsOf(file)) {
        const resolved = path.relative('src', path.resolve(path.dirname(file), spec)).split(path.sep);
        if (spec.startsWith('.') && resolved[0] !== layer && resolved.length > 1 && resolved[1] !== 'index.js') violations.push(`${file} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('each library is imported only by the folder that owns it', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = file.split(path.sep)[1];
      for (const spec of importsOf(file)) {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (OWNERS[pkg] && !OWNERS[pkg].includes(layer)) violations.push(`${file} imports ${pkg}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
