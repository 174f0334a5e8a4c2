import {
  BadValue,
  checkFeature,
  explicit,
  key,
  mode,
  number,
  pythonList,
  releaseDate,
  semicolonList,
  timeSignature,
} from './field-values';

describe('catalog cell values', () => {
  it.each([
    ["['Uli']", ['Uli']],
    [`["Guns N' Roses", 'Slash']`, ["Guns N' Roses", 'Slash']],
    [`['Tom\\'s Band', "Say \\"hi\\""]`, ["Tom's Band", 'Say "hi"']],
    ['[]', []],
    ["['a,b', 'c']", ['a,b', 'c']],
    ['Plain Name', ['Plain Name']],
    ['NA', []],
  ])('reads the Python list literal %s', (cell, expected) => {
    expect(pythonList(cell)).toEqual(expected);
  });

  it('refuses an unterminated list literal', () => {
    expect(() => pythonList("['Uli")).toThrow(BadValue);
  });

  it('splits artists joined by ;', () => {
    expect(semicolonList('Ingrid Michaelson;ZAYN')).toEqual(['Ingrid Michaelson', 'ZAYN']);
  });

  it.each([
    ['C', 0],
    ['C#', 1],
    ['Db', 1],
    ['F#', 6],
    ['B', 11],
    ['7', 7],
    ['-1', -1],
  ])('reads key %s as pitch class %d', (cell, expected) => {
    expect(key(cell)).toBe(expected);
  });

  it('refuses a key that is neither a pitch class nor a note name', () => {
    expect(() => key('H')).toThrow('key "H" is not a number');
    expect(() => key('12')).toThrow('key 12 is out of range (-1 to 11)');
  });

  it('reads Major/Minor and 0/1 as mode', () => {
    expect([mode('Major'), mode('Minor'), mode('1'), mode('0')]).toEqual([1, 0, 1, 0]);
  });

  it('reads 4, 4.0 and 4/4 as a time signature of 4, and refuses 4.5', () => {
    expect([
      timeSignature('4'),
      timeSignature('4.0'),
      timeSignature('4/4'),
      timeSignature('3/4'),
    ]).toEqual([4, 4, 4, 3]);
    expect(() => timeSignature('4.5')).toThrow('time_signature 4.5 is not a whole number');
  });

  it('reads True/False and 0/1 as explicit, and NA as unknown', () => {
    expect([
      explicit('True'),
      explicit('False'),
      explicit('1'),
      explicit('0'),
      explicit('NA'),
    ]).toEqual([true, false, true, false, null]);
    expect(() => explicit('maybe')).toThrow(BadValue);
  });

  it('takes the year from YYYY-MM-DD, YYYY-MM and YYYY release dates', () => {
    expect(releaseDate('2019-06-14')).toEqual({ release_date: '2019-06-14', year: 2019 });
    expect(releaseDate('1967-05')).toEqual({ release_date: '1967-05', year: 1967 });
    expect(releaseDate('1922')).toEqual({ release_date: '1922', year: 1922 });
    expect(releaseDate('NA')).toEqual({ release_date: null, year: null });
  });

  it('treats NA, NaN and empty cells as missing, and refuses text that is not a number', () => {
    expect([number('energy', 'NA'), number('energy', ''), number('energy', 'NaN')]).toEqual([
      null,
      null,
      null,
    ]);
    expect(() => number('tempo', 'fast')).toThrow('tempo "fast" is not a number');
  });

  it('checks each feature against its rule', () => {
    expect(checkFeature('energy', 1)).toBe(1);
    expect(() => checkFeature('energy', 1.7)).toThrow('energy 1.7 is out of range (0 to 1)');
    expect(() => checkFeature('duration_ms', 0)).toThrow(
      'duration_ms 0 is out of range (> 0 to 86400000)',
    );
    expect(() => checkFeature('mode', 0.5)).toThrow('mode 0.5 is not a whole number');
  });
});
