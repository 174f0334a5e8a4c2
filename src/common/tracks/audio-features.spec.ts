import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { compileInputs, LEGACY_MOOD_INPUTS } from '../../mood/mood-features';
import { TYPICAL_FEATURES } from '../../../test/helpers/tracks';
import {
  AUDIO_FEATURE_RULES,
  AUDIO_FEATURES,
  type AudioFeature,
  UNIT_FEATURES,
} from './audio-features';
import { AudioFeaturesDto } from './audio-features.dto';
import { TrackFeaturesDto } from './track-features.dto';

/**
 * AUDIO_FEATURES and AUDIO_FEATURE_RULES are the one definition of the features. Most of the code
 * derives from them; this spec checks the few things that cannot be derived.
 */
describe('the audio feature definition', () => {
  const accepts = (feature: AudioFeature, value: unknown, dto: Type = TrackFeaturesDto): boolean =>
    validateSync(plainToInstance(dto, { ...TYPICAL_FEATURES, [feature]: value }), {
      forbidUnknownValues: false,
    }).length === 0;

  it('has a rule for every feature and a valid example for each', () => {
    expect(Object.keys(AUDIO_FEATURE_RULES)).toEqual([...AUDIO_FEATURES]);
    for (const feature of AUDIO_FEATURES) {
      expect({ feature, accepted: accepts(feature, AUDIO_FEATURE_RULES[feature].example) }).toEqual(
        {
          feature,
          accepted: true,
        },
      );
    }
  });

  it.each(AUDIO_FEATURES.map((feature) => [feature, AUDIO_FEATURE_RULES[feature]] as const))(
    'TrackFeaturesDto enforces the rule of %s',
    (feature, rule) => {
      // Just past a bound: the smallest step the number can show at that size.
      const past = (bound: number) => (rule.integer ? 1 : Math.max(1e-9, Math.abs(bound) * 1e-9));
      expect(accepts(feature, rule.min)).toBe(!rule.exclusiveMin);
      expect(accepts(feature, rule.max)).toBe(true);
      expect(accepts(feature, rule.min - past(rule.min))).toBe(false);
      expect(accepts(feature, rule.max + past(rule.max))).toBe(false);
      expect(accepts(feature, (rule.min + rule.max) / 2 + 0.25)).toBe(!rule.integer);
      for (const value of rule.values ?? []) expect(accepts(feature, value)).toBe(true);
      expect(accepts(feature, String(rule.example))).toBe(false);
      // A client's track may lack a feature (each call says which it needs); an answer's may not.
      expect(accepts(feature, undefined)).toBe(true);
      expect(accepts(feature, null)).toBe(true);
      expect(accepts(feature, undefined, AudioFeaturesDto)).toBe(false);
    },
  );

  it('keeps every typical range inside what is accepted', () => {
    for (const feature of AUDIO_FEATURES) {
      const { min, max, typical = [min, max] } = AUDIO_FEATURE_RULES[feature];
      expect({ feature, inside: min <= typical[0] && typical[1] <= max }).toEqual({
        feature,
        inside: true,
      });
    }
  });

  it('lists as UNIT_FEATURES exactly the features measured on a 0–1 scale', () => {
    const unitScale = AUDIO_FEATURES.filter((feature) => {
      const rule = AUDIO_FEATURE_RULES[feature];
      return rule.min === 0 && rule.max === 1 && !rule.integer;
    });
    expect([...UNIT_FEATURES]).toEqual(unitScale);
  });

  it('feeds every feature to the mood model’s fullest input set: changing any one changes its inputs', () => {
    const inputsOf = compileInputs(LEGACY_MOOD_INPUTS);
    const base = inputsOf(TYPICAL_FEATURES);
    for (const feature of AUDIO_FEATURES) {
      const { min, max, example = min } = AUDIO_FEATURE_RULES[feature];
      const other = example === max ? min : max;
      const changed = inputsOf({ ...TYPICAL_FEATURES, [feature]: other });
      expect({ feature, changes: changed.some((value, i) => value !== base[i]) }).toEqual({
        feature,
        changes: true,
      });
    }
  });
});
