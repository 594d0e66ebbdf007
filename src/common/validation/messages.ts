/** DRF's wording, which dj-rest-auth clients already display. */
export const MESSAGES = {
  required: 'This field is required.',
  notString: 'Not a valid string.',
  blank: 'This field may not be blank.',
  email: 'Enter a valid email address.',
  boolean: 'Must be a valid boolean.',
  phone: 'Enter a valid phone number in international format, e.g. +14155550123.',
  maxLength: (max: number) => `Ensure this field has no more than ${max} characters.`,
  notObject: (got: string) => `Invalid data. Expected a dictionary, but got ${got}.`,
  nullCharacters: 'Null characters are not allowed.',
  surrogate: (codePoint: number) => `Surrogate characters are not allowed: U+${codePoint.toString(16).toUpperCase()}.`,
} as const;
