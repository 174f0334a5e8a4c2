import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsPositive, Max, Min } from 'class-validator';
import {
  AUDIO_FEATURE_RULES,
  AUDIO_FEATURES,
  type AudioFeatureRule,
  type AudioFeatures,
} from './audio-features';

/**
 * The 13 audio features as a DTO: one number property per feature, each validated and documented
 * from its rule in AUDIO_FEATURE_RULES. Requests extend it (TrackFeaturesDto) and so do answers that
 * show a track's features, so no DTO lists the features again.
 */
export class AudioFeaturesDto extends withAudioFeatureRules() {}

function withAudioFeatureRules(): Type<AudioFeatures> {
  class WithAudioFeatureRules {}
  for (const feature of AUDIO_FEATURES) {
    for (const decorate of featureDecorators(AUDIO_FEATURE_RULES[feature])) {
      decorate(WithAudioFeatureRules.prototype, feature);
    }
  }
  return WithAudioFeatureRules as Type<AudioFeatures>;
}

/**
 * class-validator rules for one feature, type check first: with `stopAtFirstError` a value of the
 * wrong type is reported as such rather than as out of range.
 */
function featureDecorators(rule: AudioFeatureRule): PropertyDecorator[] {
  const documented = ApiProperty({
    type: rule.integer ? 'integer' : 'number',
    description: rule.description,
    example: rule.example,
    ...(rule.values
      ? { enum: [...rule.values] }
      : {
          minimum: rule.min,
          maximum: rule.max,
          exclusiveMinimum: rule.exclusiveMin,
        }),
  });
  if (rule.values) return [IsIn([...rule.values]), documented];
  const lowest = rule.exclusiveMin ? exclusiveMinimum(rule.min) : Min(rule.min);
  const typed = rule.integer ? IsInt() : IsNumber({ allowNaN: false, allowInfinity: false });
  return [typed, Max(rule.max), lowest, documented];
}

function exclusiveMinimum(min: number): PropertyDecorator {
  if (min !== 0) throw new Error(`an exclusive minimum of ${min} is not supported, only 0`);
  return IsPositive();
}
