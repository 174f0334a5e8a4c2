import { Module } from '@nestjs/common';
import { CatalogIndexRef } from './catalog-index-ref';

/**
 * The index reference alone, for modules that read the index but that the index's own module
 * depends on (mood: its scorer needs the mood model; its routes read listening bodies, resolved
 * against the index). CatalogIndexModule re-exports it: one reference for the whole service.
 */
@Module({ providers: [CatalogIndexRef], exports: [CatalogIndexRef] })
export class CatalogIndexRefModule {}
