/** Counts of each distinct value, most frequent first. */
export function histogram(values: Iterable<string | number>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

/** `200:5123 401:1022 ...`, the `limit` most frequent values first. */
export function formatHistogram(counts: Map<string, number>, limit = 12): string {
  const entries = [...counts];
  const shown = entries.slice(0, limit).map(([value, count]) => `${value}:${count}`);
  const rest = entries.slice(limit).reduce((sum, [, count]) => sum + count, 0);
  return entries.length > limit ? `${shown.join(' ')} (+${entries.length - limit} more values, ${rest} lines)` : shown.join(' ') || '(none)';
}
