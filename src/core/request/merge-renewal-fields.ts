import type { RenewalField, RenewalFields } from './types.js';

/**
 * The fields of an earlier message updated by a later one: a later non-empty value wins, an empty
 * or absent later value keeps the earlier one. Recompute problems with `findProblems(merged)`.
 */
export function mergeRenewalFields(earlier: RenewalFields, later: RenewalFields): RenewalFields {
  const merged: RenewalFields = { ...earlier };
  for (const [field, value] of Object.entries(later) as [RenewalField, string | undefined][]) {
    if (value !== undefined && value.trim() !== '') merged[field] = value;
  }
  for (const [field, value] of Object.entries(merged) as [RenewalField, string | undefined][]) {
    if (value === undefined || value.trim() === '') delete merged[field];
  }
  return merged;
}
