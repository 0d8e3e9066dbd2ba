import { BadUserInputError } from './errors.js';

/** Rules for one text input. */
export interface TextRule {
  min: number;
  max: number;
  /** Optional pattern the whole value must match, with a human description for the error. */
  pattern?: { regex: RegExp; description: string };
  /** Trim surrounding white space before checking (and storing). @default true */
  trim?: boolean;
}

/**
 * Checks a text input and returns the value to store.
 * @throws BadUserInputError naming the field and the rule it breaks
 */
export function checkText(field: string, value: string, rule: TextRule): string {
  // NUL characters and lone surrogates never get this far: textInputPlugin refuses them for the
  // whole request before anything executes.
  const text = rule.trim === false ? value : value.trim();
  if (text.length < rule.min || text.length > rule.max) {
    const range = rule.min === 0 ? `at most ${rule.max}` : `${rule.min}–${rule.max}`;
    throw BadUserInputError.invalidField(field, `must be ${range} characters long`);
  }
  if (text.trim().length === 0 && rule.min > 0)
    throw BadUserInputError.invalidField(field, 'must not be blank');
  if (rule.pattern && !rule.pattern.regex.test(text)) {
    throw BadUserInputError.invalidField(field, `must be ${rule.pattern.description}`);
  }
  return text;
}
