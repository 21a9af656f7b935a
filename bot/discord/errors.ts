/** A problem with what the member typed: answered ephemerally with what was wrong and what to type instead. */
export class UserError extends Error {}
