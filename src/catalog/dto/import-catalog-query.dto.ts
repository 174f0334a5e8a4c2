import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CATALOG_FORMATS, type CatalogFormat } from '../formats/catalog-formats';

export class ImportCatalogQueryDto {
  /** The file's format; recognised from its first line when not given. @example "tidytuesday" */
  @IsOptional()
  @IsIn(CATALOG_FORMATS)
  format?: CatalogFormat;

  /** A label for where these tracks come from (default `upload`). @example "spotify_songs.csv" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  source?: string;
}
