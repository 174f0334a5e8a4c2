import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';

/** One (track, artist) pair per row, as in ../shared/data/playlist_artists.json. */
export class ArtistRowDto {
  /** @example "1DzQvaFztN7CnbqcXOO5k0" */
  @IsOptional()
  @MaxLength(128)
  @IsString()
  track_id?: string;

  /** @example "0w7HLMvZOHatWVbAKee1zF" */
  @IsNotEmpty()
  @MaxLength(128)
  @IsString()
  artist_id!: string;

  /** @example "Redbone" */
  @IsNotEmpty()
  @MaxLength(512)
  @IsString()
  artist_name!: string;

  /** @example "https://api.spotify.com/v1/artists/0w7HLMvZOHatWVbAKee1zF" */
  @IsOptional()
  @MaxLength(2048)
  @IsString()
  href?: string;
}

/** An artist inside a Spotify track object. */
export class TrackArtistDto {
  @IsNotEmpty()
  @MaxLength(128)
  @IsString()
  id!: string;

  @IsNotEmpty()
  @MaxLength(512)
  @IsString()
  name!: string;

  @IsOptional()
  @MaxLength(2048)
  @IsString()
  href?: string;
}

/** A Spotify track object (`GET /tracks/{id}`, playlist and recently-played items): every artist counts. */
export class SpotifyTrackDto {
  @IsOptional()
  @MaxLength(128)
  @IsString()
  id?: string;

  @IsOptional()
  @MaxLength(1024)
  @IsString()
  name?: string;

  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @IsArray()
  @Type(() => TrackArtistDto)
  artists!: TrackArtistDto[];
}
