import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * An optional whole-number query parameter from `min` to `max` (read as a number first: query
 * strings arrive as text). The type check runs first, so `?k=abc` is reported as not an integer.
 */
export function OptionalIntQuery(min: number, max?: number): PropertyDecorator {
  return applyDecorators(
    IsInt(),
    ...(max === undefined ? [] : [Max(max)]),
    Min(min),
    Type(() => Number),
    IsOptional(),
    ApiPropertyOptional({ type: 'integer', minimum: min, maximum: max }),
  );
}
