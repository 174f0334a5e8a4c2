import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, IsPositive, Max, Min } from 'class-validator';
import {
  AUDIO_FEATURE_RULES,
  AUDIO_FEATURES,
  type AudioFeatureRule,
  type AudioFeatures,
} from './audio-features';

/**
 * The 13 audio features as a DTO: one number property per feature, each validated and documented
 * from its rule in AUDIO_FEATURE_RULES. Answers that always know every feature extend it, so no DTO
 * lists the features again.
 */
export class AudioFeaturesDto extends withAudioFeatureRules(false) {}

/**
 * The same features, each checked against its rule where present and otherwise absent: tracks as
 * clients send them (several sources lack `key` or `time_signature`; each call says which features it
 * needs) and answers that echo them.
 */
export class PartialAudioFeaturesDto extends withAudioFeatureRules(true) {}

function withAudioFeatureRules(optional: false): Type<AudioFeatures>;
function withAudioFeatureRules(optional: true): Type<Partial<AudioFeatures>>;
function withAudioFeatureRules(optional: boolean): Type<Partial<AudioFeatures>> {
  class WithAudioFeatureRules {}
  for (const feature of AUDIO_FEATURES) {
    for (const decorate of featureDecorators(AUDIO_FEATURE_RULES[feature], optional)) {
      decorate(WithAudioFeatureRules.prototype, feature);
    }
  }
  return WithAudioFeatureRules;
}

/**
 * class-validator rules for one feature, type check first: with `stopAtFirstError` a value of the
 * wrong type is reported as such rather than as out of range. An optional feature is checked only
 * when present (not undefined or null).
 */
function featureDecorators(rule: AudioFeatureRule, optional: boolean): PropertyDecorator[] {
  const documented = ApiProperty({
    required: !optional,
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
  const presence = optional ? [IsOptional()] : [];
  if (rule.values) return [...presence, IsIn([...rule.values]), documented];
  const lowest = rule.exclusiveMin ? exclusiveMinimum(rule.min) : Min(rule.min);
  const typed = rule.integer ? IsInt() : IsNumber({ allowNaN: false, allowInfinity: false });
  return [...presence, typed, Max(rule.max), lowest, documented];
}

function exclusiveMinimum(min: number): PropertyDecorator {
  if (min !== 0) throw new Error(`an exclusive minimum of ${min} is not supported, only 0`);
  return IsPositive();
}
