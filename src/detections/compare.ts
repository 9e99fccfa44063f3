/**
 * Orders strings by UTF-16 code units, with null after every string: a
 * locale-independent order so reports are byte-identical on every machine.
 */
function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Compares two records key by key, the first difference deciding. */
export function compareBy<T>(keys: readonly ((item: T) => string | null)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const order = compareNullable(key(a), key(b));
      if (order !== 0) return order;
    }
    return 0;
  };
}
