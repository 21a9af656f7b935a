/**
 * The HTTP statuses the web server answers with, by name (every route, error handler and schema uses these).
 * Literal numbers rather than node:http2's `constants` (which the chain and Discord code use for the odd
 * status they test): the route schemas are keyed by status, and their types need the literal values.
 */
export const HTTP = {
  ok: 200,
  accepted: 202,
  noContent: 204,
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  methodNotAllowed: 405,
  conflict: 409,
  gone: 410,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  unprocessableContent: 422,
  tooManyRequests: 429,
  internalServerError: 500,
  serviceUnavailable: 503,
} as const;

/** A 4xx status: the client's mistake (400 is the first of them, 500 the first server error). */
export const isClientError = (status: number) => status >= HTTP.badRequest && status < HTTP.internalServerError;
