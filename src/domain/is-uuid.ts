const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in URLs are checked before they reach a uuid column, where a malformed one would be a 500, not a 404. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
