/** Lesson markdown → terminal text (code blocks, tables, emphasis) at a given width. */
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

const cache = new Map<string, string[]>();

export function renderMarkdown(md: string, width: number, color: boolean): string[] {
  const key = `${width}|${color}|${md}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const m = new Marked();
  // marked-terminal's types lag behind marked's; the extension object is what marked expects.
  m.use(markedTerminal({ width: Math.max(20, width), reflowText: true, tab: 2, showSectionPrefix: false, emoji: false }) as never);
  let out = (m.parse(md) as string).replace(/\n+$/, '');
  // eslint-disable-next-line no-control-regex
  if (!color) out = out.replace(/\u001b\[[0-9;]*m/g, '');
  const lines = out.split('\n');
  cache.set(key, lines);
  return lines;
}
