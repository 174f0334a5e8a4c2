import { closestName } from './did-you-mean';

describe('closestName', () => {
  it('suggests the known name one typo away, whatever the case of the one asked', () => {
    const known = ['min_energy', 'target_energy', 'target_valence'];
    expect(closestName('target_enrgy', known)).toBe('target_energy');
    expect(closestName('TARGET_ENERGY', known)).toBe('target_energy');
  });

  it('counts insertions, deletions and substitutions, and suggests nothing past the limit', () => {
    // kitten → sitting: two substitutions and an insertion.
    expect(closestName('kitten', ['sitting'], 3)).toBe('sitting');
    expect(closestName('kitten', ['sitting'], 2)).toBeUndefined();
    // flaw → lawn: a deletion and an insertion.
    expect(closestName('flaw', ['lawn'], 2)).toBe('lawn');
    expect(closestName('flaw', ['lawn'], 1)).toBeUndefined();
    // Nothing in common: as many edits as the longer name has letters.
    expect(closestName('colour', ['limit'])).toBeUndefined();
    expect(closestName('', ['abc'], 3)).toBe('abc');
  });

  it('takes the first of equally close names, and suggests nothing from an empty list', () => {
    // min_tempo is two substitutions away; max_tempos one insertion, max_temp one deletion.
    expect(closestName('max_tempo', ['min_tempo', 'max_tempos', 'max_temp'])).toBe('max_tempos');
    expect(closestName('limit', [])).toBeUndefined();
  });
});
