/**
 * Artist and title names normalised for matching a play without an id to a catalog track. Two
 * spellings of one recording get one key; two recordings keep two keys, even by one artist, since a
 * wrong match is worse than none (precision before recall).
 *
 * Both names: Unicode compatibility forms folded (full-width Latin, ligatures), lower case, Latin
 * accents dropped (é → e, ß → ss, ø → o) while other scripts stay as written (Japanese voiced marks,
 * Hangul, Devanagari), `&` read as "and", apostrophes and full stops dropped (Don't = Dont, A.K.A =
 * AKA), any other punctuation or symbol a space, spaces collapsed. So "Song - X Remix",
 * "Song (X Remix)" and "Song [X Remix]" are one title.
 *
 * Titles also lose what names the same recording differently:
 * - guest credits: "(feat. X)", "[ft. X]", "(featuring X)", "(with X)", "(prod. X)" anywhere, and
 *   " feat. X" / " featuring X" up to the next bracket or " - ";
 * - remaster notes at the end: " - Remastered 2011", "(2011 Remaster)", " - 2009 Digital Remaster",
 *   " - Remastered Version" (with a year segment right before one: " - 2017 - Remaster").
 * Everything else stays, because it names another recording: Remix, Radio Edit, Extended Mix,
 * Original Mix, Live, Acoustic, Instrumental, Mono, Stereo, Single Version, Demo, a "Kizuna Version".
 */

/**
 * Accents on a Latin letter (after decomposition): dropped. Marks on any other letter stay, as they
 * make another letter there (Japanese voiced marks, Cyrillic й, Devanagari vowel signs).
 */
const LATIN_ACCENTS = /([a-z])\p{M}+/gu;
/** Letters no decomposition takes apart, spelled as English keyboards write them. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const SPECIAL_LETTER = /[ßæœøłđðþı]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;
const APOSTROPHES = /['\u2018\u2019\u02bc\u0060\u00b4.]/g;
const AMPERSAND = /&/g;
const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]+/gu;
const SPACES = /\s+/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const BRACKETED_CREDIT =
  /\s*[([]\s*(?:feat\.?|ft\.?|featuring|with|prod\.?(?:\s+by)?|produced\s+by)\s[^)\]]*[)\]]/g;
const INLINE_CREDIT = /\s+(?:feat\.|ft\.|featuring)\s.*?(?=\s+-\s|\s*[([]|$)/g;
const TRAILING_BRACKET = /\s*[([]([^()[\]]*)[)\]]\s*$/;
const REMASTER_WORD = /^remaster(?:ed)?$/;
const REMASTER_COMPANION = /^(?:(?:19|20)\d\d|digital|digitally|version|edition|the)$/;
const YEAR = /^(?:19|20)\d\d$/;

/** Case, compatibility forms and Latin accents folded; punctuation kept (see normalised()). */
export function foldName(text: string): string {
  const lower = text.toLowerCase();
  if (PRINTABLE_ASCII.test(lower)) return lower;
  return lower
    .normalize('NFKD')
    .replace(LATIN_ACCENTS, '$1')
    .replace(SPECIAL_LETTER, (letter) => SPECIAL_LETTERS[letter])
    .normalize('NFC')
    .replace(DASHES, '-');
}

/** An artist name's key. */
export function normaliseArtist(name: string): string {
  return normalised(foldName(name));
}

/** A title's key: folded, without guest credits and remaster notes. */
export function normaliseTitle(title: string): string {
  const folded = foldName(title);
  const key = normalised(withoutRemasterNotes(withoutCredits(folded)));
  // A title that is all credit or punctuation ("(feat. X)", "!!!") keeps what it has.
  return key === '' ? normalised(folded) : key;
}

/** A title's key with credits and remaster notes kept: how a more exact spelling is told apart. */
export function strictTitle(title: string): string {
  return normalised(foldName(title));
}

/**
 * The keys a row's artist name may be found by, best first: the whole name, then its main artist
 * where the name credits several ("A feat. B", "A, B", "A & B", "A x B"), for catalogs that list
 * each artist on its own.
 */
export function artistKeys(name: string): string[] {
  const folded = foldName(name);
  const whole = normalised(folded);
  const main = normalised(
    folded.split(/\s+(?:feat\.?|ft\.?|featuring|with|x|vs\.?)\s+|\s*[,;&/]\s*|\s+and\s+/)[0],
  );
  return main !== '' && main !== whole ? [whole, main] : [whole];
}

/** The key of an artist and a title together, as the name index stores it. */
export function nameKey(artistKey: string, titleKey: string): string {
  return `${artistKey}\u0001${titleKey}`;
}

function normalised(folded: string): string {
  const key = PRINTABLE_ASCII.test(folded)
    ? asciiKey(folded)
    : folded
        .replace(APOSTROPHES, '')
        .replace(AMPERSAND, ' and ')
        .replace(PUNCTUATION_OR_SYMBOL, ' ')
        .replace(SPACES, ' ')
        .trim();
  // A name of punctuation only ("!!!", "?") is its own key.
  return key === '' ? folded.replace(SPACES, ' ').trim() : key;
}

/**
 * normalised() for lower-case printable ASCII (most names) in one pass: letters and digits kept,
 * apostrophes, backticks and full stops dropped, `&` the word "and", anything else a space.
 */
function asciiKey(text: string): string {
  let key = '';
  let gap = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
      if (gap && key !== '') key += ' ';
      gap = false;
      key += text[i];
    } else if (code === 38) {
      key += key === '' ? 'and' : ' and';
      gap = true;
    } else if (code !== 39 && code !== 46 && code !== 96) {
      gap = true;
    }
  }
  return key;
}

/** Words a credit starts with: a title without any of them has none to drop. */
const CREDIT_WORDS = /feat|ft\.|ft\s|with|prod/;

function withoutCredits(title: string): string {
  if (!CREDIT_WORDS.test(title)) return title;
  return title.replace(BRACKETED_CREDIT, ' ').replace(INLINE_CREDIT, '');
}

/** Drops remaster notes from the end, one bracket or " - " segment at a time. */
function withoutRemasterNotes(title: string): string {
  if (!title.includes('remaster')) return title;
  let rest = title.trimEnd();
  let stripped = false;
  for (;;) {
    const bracket = TRAILING_BRACKET.exec(rest);
    if (bracket && isRemasterNote(bracket[1])) {
      rest = rest.slice(0, bracket.index).trimEnd();
      stripped = true;
      continue;
    }
    const dash = rest.lastIndexOf(' - ');
    const segment = dash >= 0 ? rest.slice(dash + 3).trim() : '';
    if (dash > 0 && (isRemasterNote(segment) || (stripped && YEAR.test(segment)))) {
      rest = rest.slice(0, dash).trimEnd();
      stripped = true;
      continue;
    }
    return rest;
  }
}

/** "2011 Remaster", "Remastered Version", "Digital Remaster 2001": remaster words and years only. */
function isRemasterNote(segment: string): boolean {
  const words = segment.trim().split(SPACES);
  return (
    words.some((word) => REMASTER_WORD.test(word)) &&
    words.every((word) => REMASTER_WORD.test(word) || REMASTER_COMPANION.test(word))
  );
}
