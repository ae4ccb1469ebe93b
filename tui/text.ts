/**
 * A lab string in the learner's language: `"text"` or `{ default, fr, … }`, with the same
 * fallback as `labs/schema`'s `t` (exact language, then its base, then the default).
 * Kept here so the course map can show loaded labs without loading the schema (zod) —
 * the map starts from cached labs.
 */
export type LabText = string | ({ default: string } & Record<string, string>);

export function t(text: LabText | undefined, lang = 'default'): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return text[lang] ?? text[lang.split(/[-_]/)[0]] ?? text.default;
}

/**
 * Word-wraps `text` to lines of at most `width` characters, at most `maxLines` of them.
 * Text that does not fit ends in `…` after the last whole word that does; a single word
 * longer than a line is cut with `…` too. Never cuts a word silently.
 */
export function fitWords(text: string, width: number, maxLines: number): string[] {
  const w = Math.max(2, width);
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  let i = 0;
  for (; i < words.length; i++) {
    const word = [...words[i]].length > w ? `${[...words[i]].slice(0, w - 1).join('')}…` : words[i];
    const next = line ? `${line} ${word}` : word;
    if ([...next].length <= w) {
      line = next;
      continue;
    }
    if (lines.length + 1 === maxLines) break;
    lines.push(line);
    line = word;
  }
  if (i < words.length) {
    // Out of lines: drop whole words until the ellipsis fits.
    const kept = line.split(' ');
    while (kept.length > 1 && [...`${kept.join(' ')}…`].length > w) kept.pop();
    const short = `${kept.join(' ')}…`;
    line = [...short].length <= w ? short : `${[...kept[0]].slice(0, w - 1).join('')}…`;
  }
  if (line) lines.push(line);
  return lines;
}
