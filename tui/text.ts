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
