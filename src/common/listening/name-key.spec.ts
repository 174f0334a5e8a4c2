import { artistKeys, normaliseArtist, normaliseTitle, strictTitle } from './name-key';

describe('normaliseTitle', () => {
  it.each([
    ['case', ["Don't Stop Me Now", "DON'T STOP ME NOW", "don't stop me now"]],
    ['apostrophes and full stops', ["Don't Stop", 'Don’t Stop', 'Dont Stop', 'Don`t Stop.']],
    ['Latin accents', ['Tiësto Remix', 'Tiesto Remix', 'TIËSTO REMIX']],
    ['letters without a decomposition', ['Smørrebrød Straße', 'Smorrebrod Strasse']],
    ['spacing', ['Wait For Me', '  Wait   For\tMe ', 'Wait For Me\u00a0']],
    ['full-width forms', ['Full Width', 'Ｆｕｌｌ　Ｗｉｄｔｈ']],
    [
      'dashes and brackets around a version',
      [
        'Melody - ANGEMI Remix',
        'Melody (ANGEMI Remix)',
        'Melody [ANGEMI Remix]',
        'Melody – ANGEMI Remix',
      ],
    ],
    ['& and "and"', ['Salt & Pepper', 'Salt and Pepper']],
    [
      'guest credits in brackets',
      [
        'High On Life',
        'High On Life (feat. Bonn)',
        'High On Life [feat. Bonn]',
        'High On Life (ft. Bonn)',
        'High On Life (Featuring Bonn)',
        'High On Life (with Bonn)',
        'High On Life (prod. by Bonn)',
      ],
    ],
    [
      'a guest credit inline',
      ['High On Life', 'High On Life feat. Bonn', 'High On Life featuring Bonn & Co'],
    ],
    [
      'a credit before a version',
      [
        'Apple Juice - MOTi Remix',
        'Apple Juice (feat. Carla Monroe) - MOTi Remix',
        'Apple Juice feat. Carla Monroe - MOTi Remix',
        'Apple Juice feat. Carla Monroe (MOTi Remix)',
      ],
    ],
    [
      'remaster notes',
      [
        'Here I Go Again',
        'Here I Go Again - Remastered',
        'Here I Go Again - Remastered 2011',
        'Here I Go Again (2011 Remaster)',
        'Here I Go Again - 2017 Remastered Version',
        'Here I Go Again - 2009 Digital Remaster',
        'Here I Go Again [Remastered]',
        'Here I Go Again - 2017 - Remaster',
      ],
    ],
    ['a credit and a remaster note', ['Song', 'Song (feat. X) - 2011 Remaster']],
  ])('gives one key whatever the %s', (_, spellings) => {
    const keys = new Set(spellings.map(normaliseTitle));
    expect([...keys]).toHaveLength(1);
  });

  it.each([
    ['a remix', 'Melody', 'Melody - ANGEMI Remix'],
    ['a radio edit', 'Secrets', 'Secrets - Radio Edit'],
    ['an extended mix', "Callin'", "Callin' - Extended Mix"],
    ['an original mix', 'Shades Of Voices', 'Shades Of Voices (Original Mix)'],
    ['a live recording', 'Open Over Us', 'Open Over Us (Live)'],
    ['an acoustic version', 'Carry On', 'Carry On - Acoustic'],
    ['a mono mix', 'Paint It, Black', 'Paint It, Black - Mono'],
    ['a single version', 'Beat It', 'Beat It - Single Version'],
    ['a named version', 'In This Place', 'In This Place - Kizuna Version'],
    [
      'a remaster note joined to another version',
      'Here I Go Again',
      'Here I Go Again - Remastered 2009 / Single Version',
    ],
    ['a title that only starts alike', 'Dancing', 'Dancing With A Stranger'],
    ['a year that is the title', 'Song - 1999', 'Song'],
  ])('keeps %s apart', (_, one, other) => {
    expect(normaliseTitle(one)).not.toBe(normaliseTitle(other));
  });

  it('keeps "with" that is part of a title, outside brackets', () => {
    expect(normaliseTitle('Dancing With A Stranger (With Normani)')).toBe(
      'dancing with a stranger',
    );
  });

  it.each([
    // Names of the shared exports, as Spotify writes them.
    ['留学生', '留学生'],
    ['真っ赤な太陽', '真っ赤な太陽'],
    ['ガリレオ・ガール', 'ガリレオ ガール'],
    ['달라달라 DALLA DALLA', '달라달라 dalla dalla'],
    ['ONE THING feat. SALU (BABY-T Remix)', 'one thing baby t remix'],
    ['TOTSUKA feat. サイプレス上野', 'totsuka'],
    ['The Lights, The Nights - Strobe Ver.', 'the lights the nights strobe ver'],
    ['JOYRIDE (#SorryNotSorry pt.2)', 'joyride sorrynotsorry pt2'],
    ['Мой путь', 'мой путь'],
  ])('keeps other scripts as written: %s', (title, key) => {
    expect(normaliseTitle(title)).toBe(key);
  });

  it('keeps voiced kana apart from plain kana (a mark that makes another letter)', () => {
    expect(normaliseTitle('ガール')).not.toBe(normaliseTitle('カール'));
    expect(normaliseTitle('ガール'.normalize('NFD'))).toBe(normaliseTitle('ガール'));
  });

  it('gives a title of credits or punctuation only a key of its own', () => {
    expect(normaliseTitle('(feat. X)')).toBe('feat x');
    expect(normaliseTitle('!!!')).toBe('!!!');
    expect(normaliseTitle('?')).not.toBe(normaliseTitle('!'));
  });
});

describe('strictTitle', () => {
  it('folds case, accents and punctuation but keeps credits and remaster notes', () => {
    expect(strictTitle('Take On Me')).toBe(strictTitle('Take on Me'));
    expect(strictTitle('Havana (feat. Young Thug)')).not.toBe(strictTitle('Havana'));
    expect(strictTitle('Song - Remastered')).not.toBe(strictTitle('Song'));
  });
});

describe('normaliseArtist and artistKeys', () => {
  it.each([
    ['Tiësto', 'tiesto'],
    ['Beyoncé', 'beyonce'],
    ["I Don't Like Mondays.", 'i dont like mondays'],
    ['AYA A.K.A PANDA', 'aya aka panda'],
    ['IZ*ONE', 'iz one'],
    ['Simon & Garfunkel', 'simon and garfunkel'],
    ['Rude-α', 'rude α'],
    ['THE RAMPAGE from EXILE TRIBE', 'the rampage from exile tribe'],
  ])('%s → %s', (name, key) => {
    expect(normaliseArtist(name)).toBe(key);
  });

  it('tries the whole credit first, then its main artist', () => {
    expect(artistKeys('Beyoncé feat. JAY-Z')).toEqual(['beyonce feat jay z', 'beyonce']);
    expect(artistKeys('Ingrid Michaelson, ZAYN')).toEqual([
      'ingrid michaelson zayn',
      'ingrid michaelson',
    ]);
    expect(artistKeys('Simon & Garfunkel')).toEqual(['simon and garfunkel', 'simon']);
    expect(artistKeys('Martin Garrix x Dua Lipa')).toEqual([
      'martin garrix x dua lipa',
      'martin garrix',
    ]);
    expect(artistKeys('Lil Nas X')).toEqual(['lil nas x']);
    expect(artistKeys('Tiësto')).toEqual(['tiesto']);
  });
});
