/**
 * The words shown under a topic's name on the Pain points page: its terms as
 * written, without repeating the name or one another — a term whose words
 * are a phrase of the name or of a term shown before it, or hold one of them
 * ("confirm in writing" after "confirm"), adds nothing for a reader.
 *
 * @example
 *   topicWords('charged the difference immediately', ['charged the difference', 'difference', 'billing cycle']) // ['billing cycle']
 */
export function topicWords(name: string, labels: readonly string[], max = 5): string[] {
  const pad = (s: string) => ` ${s.toLowerCase().trim()} `;
  const nested = (a: string, b: string) => pad(a).includes(pad(b)) || pad(b).includes(pad(a));
  const shown: string[] = [];
  for (const label of labels) {
    if (shown.length >= max) break;
    if (!label.trim() || nested(label, name) || shown.some((s) => nested(label, s))) continue;
    shown.push(label);
  }
  return shown;
}
