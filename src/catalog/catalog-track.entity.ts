import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CatalogArtist } from './catalog-track';

/**
 * A catalog track's row. Imports and harvests write these in bulk through the database drivers
 * (CatalogBulkWriter); reads of single tracks and deletes go through TypeORM.
 */
@Entity({ name: 'catalog_tracks' })
export class CatalogTrack {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  /** `[{id, name}]` as JSON (id null where the source names the artist only). */
  @Column({ type: 'simple-json' })
  artists!: CatalogArtist[];

  @Column({ name: 'album_id', type: 'varchar', length: 64, nullable: true })
  albumId!: string | null;

  @Column({ name: 'album_name', type: 'text', nullable: true })
  albumName!: string | null;

  @Column({ name: 'release_date', type: 'varchar', length: 10, nullable: true })
  releaseDate!: string | null;

  @Column({ type: 'integer', nullable: true })
  year!: number | null;

  @Column({ type: 'integer', nullable: true })
  popularity!: number | null;

  @Column({ type: 'boolean', nullable: true })
  explicit!: boolean | null;

  @Column({ type: 'double precision', nullable: true })
  danceability!: number | null;

  @Column({ type: 'double precision', nullable: true })
  energy!: number | null;

  @Column({ type: 'integer', nullable: true })
  key!: number | null;

  @Column({ type: 'double precision', nullable: true })
  loudness!: number | null;

  @Column({ type: 'integer', nullable: true })
  mode!: number | null;

  @Column({ type: 'double precision', nullable: true })
  speechiness!: number | null;

  @Column({ type: 'double precision', nullable: true })
  acousticness!: number | null;

  @Column({ type: 'double precision', nullable: true })
  instrumentalness!: number | null;

  @Column({ type: 'double precision', nullable: true })
  liveness!: number | null;

  @Column({ type: 'double precision', nullable: true })
  valence!: number | null;

  @Column({ type: 'double precision', nullable: true })
  tempo!: number | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'time_signature', type: 'integer', nullable: true })
  timeSignature!: number | null;

  /** The source label of the import (or `harvest`) that first added the track. */
  @Index('IDX_catalog_tracks_source')
  @Column({ type: 'varchar', length: 200 })
  source!: string;

  @Column({ name: 'first_seen', type: Date })
  firstSeen!: Date;

  @Column({ name: 'last_seen', type: Date })
  lastSeen!: Date;
}

/** One genre of a track: the set of a track's genres, merged across rows and imports. */
@Entity({ name: 'catalog_track_genres' })
@Index('IDX_catalog_track_genres_genre', ['genre'])
export class CatalogTrackGenre {
  @PrimaryColumn({ name: 'track_id', type: 'varchar', length: 64 })
  trackId!: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  genre!: string;
}
