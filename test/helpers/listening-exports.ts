import type { CatalogTrackRecord } from '../../src/catalog/catalog-track';
import { normaliseArtist, normaliseTitle, strictTitle } from '../../src/common/listening';
import { seededRandom } from '../../src/common/numeric';

/**
 * An Extended streaming history and an Account data file of the same listening, made from catalog
 * records (the shared TidyTuesday sample) the way Spotify writes them, with what real files hold:
 * podcast episodes, plays of nothing, short plays, skips, tracks the catalog lacks (held out of it)
 * and, in the Account file, which has names only, the name variants that part a listener's export
 * from a catalog made at another time or by another source: case, spacing, apostrophes, accents,
 * guest credits moved, added or dropped, remaster notes moved, added or dropped, versions in
 * brackets instead of after " - "; and plays of another version of a catalog song (its Radio Edit,
 * a Live recording, …) that the catalog does not hold. Deterministic for a seed.
 */
export interface ListeningExports {
  /** The catalog the resolver is given: every record but the held-out ones. */
  catalog: CatalogTrackRecord[];
  /** Tracks played but absent from `catalog`, each by an artist `catalog` has other tracks of. */
  heldOut: Set<string>;
  extended: Record<string, unknown>[];
  account: Record<string, unknown>[];
  /** Per row of each file: the record it was made from (undefined for episodes and empty plays). */
  extendedSource: (CatalogTrackRecord | undefined)[];
  accountSource: (CatalogTrackRecord | undefined)[];
  /** Per Account row: the variants applied to its names ("exact" for none). */
  accountVariant: string[];
  /**
   * Account rows naming a version of their source track that no catalog track is (e.g. its Radio
   * Edit): plays of a recording the catalog lacks, by an artist it knows.
   */
  otherVersion: Set<number>;
}

export interface ListeningExportsOptions {
  plays: number;
  seed?: number;
  /** Share of tracks held out of the catalog (default 0.02). */
  heldOutShare?: number;
  /** Plays are of this many tracks (default: every named one), as a listener repeats favourites. */
  distinctTracks?: number;
  /** Account names varied (default true); false: as Spotify writes them, as the catalog does. */
  nameVariants?: boolean;
}

type Variant = {
  name: string;
  keepsSpelling: boolean;
  apply: (text: string) => string | undefined;
};

const CREDIT = /\s*\((?:feat\.|with) ([^)]*)\)/i;
const REMASTER_SUFFIX = / - (?:(\d{4}) )?Remaster(?:ed)?(?: (\d{4}))?(?: Version)?$/;
const DASH_VERSION = / - ([^-()[\]]+)$/;

/**
 * Title variants. `keepsSpelling`: the title still reads the same up to case, accents, spacing and
 * punctuation, so it cannot come to name another catalog track; the others are applied only to
 * tracks whose name key no other catalog track shares (else the row names two songs at once).
 */
const TITLE_VARIANTS: Variant[] = [
  { name: 'upper case', keepsSpelling: true, apply: (t) => t.toUpperCase() },
  { name: 'lower case', keepsSpelling: true, apply: (t) => t.toLowerCase() },
  { name: 'spacing', keepsSpelling: true, apply: (t) => ` ${t.replace(/ /g, '  ')} ` },
  {
    name: 'curly apostrophe',
    keepsSpelling: true,
    apply: (t) => (t.includes("'") ? t.replace(/'/g, '’') : undefined),
  },
  { name: 'accents dropped', keepsSpelling: true, apply: (t) => stripAccents(t) },
  {
    name: 'version in brackets',
    keepsSpelling: true,
    apply: (t) =>
      DASH_VERSION.test(t) && !REMASTER_SUFFIX.test(t)
        ? t.replace(DASH_VERSION, ' ($1)')
        : undefined,
  },
  {
    name: 'credit in square brackets',
    keepsSpelling: true,
    apply: (t) =>
      CREDIT.test(t) ? t.replace(CREDIT, (m) => m.replace('(', '[').replace(')', ']')) : undefined,
  },
  {
    name: 'credit inline',
    keepsSpelling: false,
    apply: (t) => (CREDIT.test(t) ? t.replace(CREDIT, ' feat. $1') : undefined),
  },
  {
    name: 'credit as ft.',
    keepsSpelling: false,
    apply: (t) => (CREDIT.test(t) ? t.replace(CREDIT, ' (ft. $1)') : undefined),
  },
  {
    name: 'credit dropped',
    keepsSpelling: false,
    apply: (t) => (CREDIT.test(t) ? t.replace(CREDIT, '') : undefined),
  },
  {
    name: 'credit added',
    keepsSpelling: false,
    apply: (t) => (CREDIT.test(t) ? undefined : `${t} (feat. Guest Singer)`),
  },
  {
    name: 'remaster note moved',
    keepsSpelling: false,
    apply: (t) => {
      const note = REMASTER_SUFFIX.exec(t);
      if (!note) return undefined;
      const year = note[1] ?? note[2];
      return `${t.slice(0, note.index)} (${year ? `${year} ` : ''}Remaster)`;
    },
  },
  {
    name: 'remaster note dropped',
    keepsSpelling: false,
    apply: (t) => (REMASTER_SUFFIX.test(t) ? t.replace(REMASTER_SUFFIX, '') : undefined),
  },
  {
    name: 'remaster note added',
    keepsSpelling: false,
    apply: (t) => (REMASTER_SUFFIX.test(t) ? undefined : `${t} - Remastered 2011`),
  },
];

/** Versions that are other recordings: a play of one is not a play of the catalog's track. */
const OTHER_VERSIONS = [
  ' - Radio Edit',
  ' - Live',
  ' (Acoustic)',
  ' - Extended Mix',
  ' - Instrumental',
  ' - Single Version',
  ' - Mono',
];

const ARTIST_VARIANTS: Variant[] = [
  { name: 'artist upper case', keepsSpelling: true, apply: (a) => a.toUpperCase() },
  { name: 'artist accents dropped', keepsSpelling: true, apply: (a) => stripAccents(a) },
  {
    name: 'artist & as and',
    keepsSpelling: true,
    apply: (a) => (a.includes(' & ') ? a.replace(' & ', ' and ') : undefined),
  },
];

export function buildListeningExports(
  records: readonly CatalogTrackRecord[],
  options: ListeningExportsOptions,
): ListeningExports {
  const random = seededRandom(options.seed ?? 22);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const named = records.filter((r) => r.name !== null && r.artists.length > 0);
  const keyOf = (r: CatalogTrackRecord) =>
    `${normaliseArtist(r.artists[0].name)}\u0001${normaliseTitle(r.name!)}`;
  const tracksPerKey = countBy(named, keyOf);
  const tracksPerArtist = countBy(named, (r) => normaliseArtist(r.artists[0].name));
  const uniqueKey = (r: CatalogTrackRecord) => tracksPerKey.get(keyOf(r)) === 1;
  const artistTitleKeys = new Set(
    named.flatMap((r) =>
      r.artists.map((a) => `${normaliseArtist(a.name)}\u0001${normaliseTitle(r.name!)}`),
    ),
  );

  const heldOut = new Set<string>();
  for (const r of named) {
    const eligible = uniqueKey(r) && tracksPerArtist.get(normaliseArtist(r.artists[0].name))! >= 2;
    if (eligible && random() < (options.heldOutShare ?? 0.02)) heldOut.add(r.id);
  }

  const out: ListeningExports = {
    catalog: records.filter((r) => !heldOut.has(r.id)),
    heldOut,
    extended: [],
    account: [],
    extendedSource: [],
    accountSource: [],
    accountVariant: [],
    otherVersion: new Set(),
  };
  const playable =
    options.distinctTracks === undefined
      ? named
      : Array.from({ length: options.distinctTracks }, () => pick(named));
  let clock = Date.UTC(2026, 0, 1);
  for (let i = 0; i < options.plays; i++) {
    const kind = random();
    if (kind < 0.03) {
      const msPlayed = 60_000 + Math.floor(random() * 1_800_000);
      clock += msPlayed + 5_000;
      out.extended.push(episodePlay(clock, msPlayed, i));
      out.extendedSource.push(undefined);
      out.account.push({
        endTime: accountTime(clock),
        podcastName: 'A Show',
        episodeName: `Episode ${i}`,
        msPlayed,
      });
      out.accountSource.push(undefined);
      out.accountVariant.push('podcast');
      continue;
    }
    if (kind < 0.035) {
      clock += 10_000;
      out.extended.push(emptyPlay(clock));
      out.extendedSource.push(undefined);
      continue;
    }
    const track = pick(playable);
    const duration = track.features.duration_ms ?? 200_000;
    const how = random();
    let msPlayed: number;
    let reasonEnd = 'trackdone';
    let skipped: boolean | null = false;
    if (how < 0.08) {
      msPlayed = 500 + Math.floor(random() * 29_000);
      reasonEnd = pick(['trackdone', 'endplay', 'logout', 'unexpected-exit']);
    } else if (how < 0.16) {
      msPlayed = 1_000 + Math.floor(random() * 25_000);
      reasonEnd = 'fwdbtn';
      // Older files wrote no skip flag.
      skipped = random() < 0.25 ? null : true;
    } else {
      msPlayed = Math.round(duration * (0.6 + 0.4 * random()));
    }
    clock += msPlayed + Math.floor(random() * 20_000);
    out.extended.push(trackPlay(track, clock, msPlayed, reasonEnd, skipped));
    out.extendedSource.push(track);

    let { artist, title, variant } =
      options.nameVariants === false
        ? { artist: track.artists[0].name, title: track.name!, variant: 'exact' }
        : accountNames(track, uniqueKey(track), random);
    if (options.nameVariants !== false && random() < 0.03) {
      const version = `${track.name!}${pick(OTHER_VERSIONS)}`;
      if (!artistTitleKeys.has(`${normaliseArtist(artist)}\u0001${normaliseTitle(version)}`)) {
        [artist, title, variant] = [track.artists[0].name, version, 'other version'];
        out.otherVersion.add(out.account.length);
      }
    }
    out.account.push({
      endTime: accountTime(clock),
      artistName: artist,
      trackName: title,
      msPlayed,
    });
    out.accountSource.push(track);
    out.accountVariant.push(variant);
  }
  return out;
}

/** The names an Account row gets: exact for 40 % of plays, else one title variant and maybe an artist one. */
function accountNames(
  track: CatalogTrackRecord,
  uniqueKey: boolean,
  random: () => number,
): { artist: string; title: string; variant: string } {
  let artist = track.artists[0].name;
  let title = track.name!;
  if (random() < 0.4) return { artist, title, variant: 'exact' };
  const applied: string[] = [];
  const titleOptions = TITLE_VARIANTS.filter(
    (v) => (uniqueKey || v.keepsSpelling) && v.apply(title) !== undefined,
  );
  if (titleOptions.length > 0) {
    const variant = titleOptions[Math.floor(random() * titleOptions.length)];
    const varied = variant.apply(title)!;
    if (varied !== title) {
      title = varied;
      applied.push(variant.name);
    }
  }
  if (random() < 0.3) {
    const artistOptions = ARTIST_VARIANTS.filter((v) => v.apply(artist) !== undefined);
    if (artistOptions.length > 0) {
      const variant = artistOptions[Math.floor(random() * artistOptions.length)];
      const varied = variant.apply(artist)!;
      if (varied !== artist) {
        artist = varied;
        applied.push(variant.name);
      }
    }
  }
  return { artist, title, variant: applied.length > 0 ? applied.join(' + ') : 'exact' };
}

function trackPlay(
  track: CatalogTrackRecord,
  endedAt: number,
  msPlayed: number,
  reasonEnd: string,
  skipped: boolean | null,
): Record<string, unknown> {
  return {
    ...extendedBase(endedAt, msPlayed),
    master_metadata_track_name: track.name,
    master_metadata_album_artist_name: track.artists[0].name,
    master_metadata_album_album_name: track.album.name,
    spotify_track_uri: `spotify:track:${track.id}`,
    reason_end: reasonEnd,
    skipped,
  };
}

function episodePlay(endedAt: number, msPlayed: number, n: number): Record<string, unknown> {
  return {
    ...extendedBase(endedAt, msPlayed),
    episode_name: `Episode ${n}`,
    episode_show_name: 'A Show',
    spotify_episode_uri: `spotify:episode:${String(n).padStart(22, '0')}`,
    reason_start: 'clickrow',
    reason_end: 'endplay',
  };
}

/** Extended files hold some plays of nothing: every name and URI null. */
function emptyPlay(endedAt: number): Record<string, unknown> {
  return { ...extendedBase(endedAt, 0), reason_end: 'unexpected-exit' };
}

/** A play in an Extended streaming history file with every name and URI null, ended at `endedAt`. */
export function extendedBase(endedAt: number, msPlayed: number): Record<string, unknown> {
  return {
    ts: new Date(endedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    platform: 'android',
    ms_played: msPlayed,
    conn_country: 'ES',
    ip_addr: '192.0.2.10',
    master_metadata_track_name: null,
    master_metadata_album_artist_name: null,
    master_metadata_album_album_name: null,
    spotify_track_uri: null,
    episode_name: null,
    episode_show_name: null,
    spotify_episode_uri: null,
    audiobook_title: null,
    audiobook_uri: null,
    audiobook_chapter_uri: null,
    audiobook_chapter_title: null,
    reason_start: 'trackdone',
    reason_end: 'trackdone',
    shuffle: false,
    skipped: false,
    offline: false,
    offline_timestamp: null,
    incognito_mode: false,
  };
}

/** Account data's "YYYY-MM-DD HH:MM" (UTC). */
function accountTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function stripAccents(text: string): string | undefined {
  const stripped = text
    .normalize('NFD')
    .replace(/([A-Za-z])\p{M}+/gu, '$1')
    .normalize('NFC');
  return stripped === text ? undefined : stripped;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/**
 * The right song for a play of `source`: the track itself, or a catalog duplicate of it (another id
 * with the same artist and the same title up to case, accents and punctuation, as catalogs hold
 * one recording on an album and on a single).
 */
export function isRightSong(resolved: CatalogTrackRecord, source: CatalogTrackRecord): boolean {
  if (resolved.id === source.id) return true;
  return (
    normaliseArtist(resolved.artists[0].name) === normaliseArtist(source.artists[0].name) &&
    strictTitle(resolved.name!) === strictTitle(source.name!)
  );
}
