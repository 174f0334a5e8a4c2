import { validateSync } from 'class-validator';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import fc from 'fast-check';
import { TYPICAL_FEATURES } from '../../../test/helpers/tracks';
import { AUDIO_FEATURES } from '../tracks/audio-features';
import { TrackFeaturesDto } from '../tracks/track-features.dto';
import { compileQuickCheck } from './quick-check';

class ProbeDto {
  @IsOptional()
  @IsString()
  name?: string;

  @Min(0)
  @Max(10)
  @IsInt()
  count!: number;

  @IsIn([0, 1])
  flag!: number;
}

describe('compileQuickCheck', () => {
  const quick = compileQuickCheck(ProbeDto);
  const full = (value: Record<string, unknown>) =>
    validateSync(Object.assign(new ProbeDto(), value), { forbidUnknownValues: false }).length === 0;

  it.each([
    [{ count: 3, flag: 1 }, true],
    [{ count: 3, flag: 1, name: 'x' }, true],
    [{ count: 3, flag: 1, name: null }, true],
    [{ count: 11, flag: 1 }, false],
    [{ count: 2.5, flag: 0 }, false],
    [{ count: 2, flag: 2 }, false],
    [{ count: 2, flag: 0, name: 7 }, false],
    [{ flag: 0 }, false],
  ])('agrees with validateSync on %p', (value, expected) => {
    expect(quick(value)).toBe(expected);
    expect(full(value)).toBe(expected);
  });

  it('agrees with validateSync on track rows with random changes', () => {
    const validTrack = TYPICAL_FEATURES;
    let validSeen = 0;
    const quickTrack = compileQuickCheck(TrackFeaturesDto);
    const anyValue = fc.oneof(
      fc.double(),
      fc.integer({ min: -2, max: 13 }),
      fc.constantFrom(0, 1, 0.5, -1, null, undefined, '', 'x', '2023-08-10T15:47:50.611Z'),
    );
    const fields = [...AUDIO_FEATURES, 'played_at', 'id'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...fields), anyValue, { maxKeys: 2 }), (change) => {
        const row = { ...validTrack, ...change };
        const expected =
          validateSync(Object.assign(new TrackFeaturesDto(), row), { forbidUnknownValues: false })
            .length === 0;
        expect(quickTrack(row)).toBe(expected);
        if (expected) validSeen += 1;
      }),
      { numRuns: 2000 },
    );
    expect(validSeen).toBeGreaterThan(100); // both answers were exercised
  });

  it('refuses a DTO with rules it cannot check the same way', () => {
    class NestedDto {
      @ValidateNested()
      child!: object;
    }
    class EachDto {
      @IsNumber({}, { each: true })
      values!: number[];
    }
    expect(() => compileQuickCheck(NestedDto)).toThrow(/not supported/);
    expect(() => compileQuickCheck(EachDto)).toThrow(/not supported/);
  });
});
