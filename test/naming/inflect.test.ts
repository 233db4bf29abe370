import { describe, expect, it } from 'vitest';
import { buildDatabaseModel, camelCase, enumValueName, NameScope, pascalCase } from '../../src/naming/index.js';
import { catalog } from './hand-catalog.js';

describe('inflect: camelCase and pascalCase (rules 1 and 2)', () => {
  it('joins snake_case words, upper-casing all but the first', () => {
    expect(camelCase('sequence_rank')).toBe('sequenceRank');
    expect(pascalCase('sequence_rank')).toBe('SequenceRank');
    expect(camelCase('created_at')).toBe('createdAt');
  });

  it('keeps digits inside and at the end of words', () => {
    expect(camelCase('strategic_directives_v2')).toBe('strategicDirectivesV2');
    expect(pascalCase('strategic_directives_v2')).toBe('StrategicDirectivesV2');
    expect(camelCase('v2_x')).toBe('v2X');
  });

  it('prefixes a leading digit with _', () => {
    expect(camelCase('1st_place')).toBe('_1stPlace');
    expect(pascalCase('1st_place')).toBe('_1stPlace');
    expect(camelCase('123')).toBe('_123');
    expect(camelCase('2fa')).toBe('_2fa');
  });

  it('turns characters outside [A-Za-z0-9_] into word breaks', () => {
    expect(camelCase('order-id')).toBe('orderId');
    expect(camelCase('e-mail address')).toBe('eMailAddress');
    expect(camelCase('café_au_lait')).toBe('cafAuLait');
    expect(pascalCase('my table!')).toBe('MyTable');
  });

  it('lower-cases a first word in capitals only, and only the first word', () => {
    expect(camelCase('ID')).toBe('id');
    expect(camelCase('ABC')).toBe('abc');
    expect(camelCase('URL_path')).toBe('urlPath');
    expect(camelCase('user_ID')).toBe('userID');
    expect(camelCase('Already_Camel')).toBe('alreadyCamel');
    // Types keep the capitals: rule 2 is about fields.
    expect(pascalCase('ID_card')).toBe('IDCard');
  });

  it('treats double, leading and trailing underscores as one break', () => {
    expect(camelCase('a__b')).toBe('aB');
    expect(camelCase('_id')).toBe('id');
    expect(camelCase('trailing_')).toBe('trailing');
  });

  it('gives a valid name for names with no letters or digits', () => {
    expect(camelCase('')).toBe('_');
    expect(camelCase('___')).toBe('_');
    expect(pascalCase('---')).toBe('_');
  });

  it('always produces a GraphQL name', () => {
    const samples = ['sequence_rank', '1st', '', '___', 'é', 'a b c', '"; drop table x; --', 'ID', '__typename', '9'];
    for (const s of samples) {
      expect(camelCase(s)).toMatch(/^[_A-Za-z][_0-9A-Za-z]*$/);
      expect(pascalCase(s)).toMatch(/^[_A-Za-z][_0-9A-Za-z]*$/);
    }
  });
});

describe('inflect: enum values', () => {
  it('keeps a label that is already a valid enum value', () => {
    expect(enumValueName('draft')).toBe('draft');
    expect(enumValueName('IN_PROGRESS')).toBe('IN_PROGRESS');
    // Only the exact lower-case literals are reserved by GraphQL.
    expect(enumValueName('TRUE')).toBe('TRUE');
  });

  it('replaces spaces and punctuation with _', () => {
    expect(enumValueName('in progress')).toBe('in_progress');
    expect(enumValueName('a-b')).toBe('a_b');
  });

  it('suffixes true, false and null, which GraphQL forbids as enum values', () => {
    expect(enumValueName('true')).toBe('true_');
    expect(enumValueName('false')).toBe('false_');
    expect(enumValueName('null')).toBe('null_');
  });

  it('prefixes a leading digit and never starts with the reserved __', () => {
    expect(enumValueName('1st')).toBe('_1st');
    expect(enumValueName('__x')).toBe('_x');
    expect(enumValueName('')).toBe('_');
  });

  it('suffixes labels that collide after sanitising with their own label, hashed when it had other characters', () => {
    const model = buildDatabaseModel('app', catalog([], [{ schema: 'public', name: 'state', values: ['a b', 'a-b', 'a_b', 'true', 'true_'] }]));
    const names = model.enums[0].values.map((v) => v.name);
    expect(names[0]).toBe('a_b');
    expect(names[1]).toMatch(/^a_b_a_b_[0-9a-z]+$/);
    expect(names.slice(2)).toEqual(['a_b_a_b', 'true_', 'true__true_']);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('inflect: NameScope (rule 5)', () => {
  it('gives the first claimant the name and the next ones _2, _3', () => {
    const scope = new NameScope();
    expect(scope.claim('user')).toBe('user');
    expect(scope.claim('user')).toBe('user_2');
    expect(scope.claim('user')).toBe('user_3');
    expect(scope.has('user_2')).toBe(true);
  });

  it('skips suffixed names that are already taken and treats reserved names as taken', () => {
    const scope = new NameScope(['__typename', 'a_2']);
    expect(scope.claim('__typename')).toBe('__typename_2');
    expect(scope.claim('a')).toBe('a');
    expect(scope.claim('a')).toBe('a_3');
  });
});
