/**
 * Lesson markdown → terminal lines at a given width: headings, paragraphs with
 * emphasis and inline code, code blocks (indented, never reflowed, so commands can be
 * copied), lists, tables and quotes. Built on marked's lexer only; colours come from
 * the theme's tokens, and with no colour the structure still reads (indentation,
 * `*emphasis*` markers dropped, table rules).
 */
import { Lexer, type Token, type Tokens } from 'marked';
import { paint, type Theme, type Tone } from '../theme.js';

interface Style {
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  tone?: Tone;
}
interface Seg {
  text: string;
  style: Style;
}

const cache = new Map<string, string[]>();

/** Visible width of a string (ANSI escapes do not count). */
export function visibleWidth(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')].length;
}

function decode(s: string): string {
  return s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? _,
  );
}

function inline(tokens: Token[] | undefined, style: Style, out: Seg[], marks = false): Seg[] {
  for (const tok of tokens ?? []) {
    switch (tok.type) {
      case 'strong':
        inline((tok as Tokens.Strong).tokens, { ...style, bold: true }, out, marks);
        break;
      case 'em':
        inline((tok as Tokens.Em).tokens, { ...style, italic: true }, out, marks);
        break;
      case 'del':
        inline((tok as Tokens.Del).tokens, style, out, marks);
        break;
      // Without colour, inline code keeps its backticks so it still stands apart.
      case 'codespan': {
        const c = decode((tok as Tokens.Codespan).text);
        out.push({ text: marks ? `\`${c}\`` : c, style: { ...style, tone: 'code' } });
        break;
      }
      case 'link': {
        const l = tok as Tokens.Link;
        inline(l.tokens, { ...style, underline: true, tone: 'accent' }, out, marks);
        if (l.href && l.href !== l.text) out.push({ text: ` (${l.href})`, style: { ...style, tone: 'secondary' } });
        break;
      }
      case 'br':
        out.push({ text: '\n', style });
        break;
      case 'text': {
        const t = tok as Tokens.Text;
        if (t.tokens?.length) inline(t.tokens, style, out, marks);
        else out.push({ text: decode(t.text), style });
        break;
      }
      case 'html':
        out.push({ text: (tok as Tokens.HTML).text, style });
        break;
      default:
        out.push({ text: decode((tok as { text?: string }).text ?? tok.raw), style });
    }
  }
  return out;
}

function paintSeg(theme: Theme, s: Seg): string {
  return paint(theme, s.style.tone ?? null, s.text, s.style);
}

/** Wraps styled segments into lines no wider than `width` (a word longer than the line is cut). */
function wrap(segs: Seg[], width: number, theme: Theme): string[] {
  const lines: Seg[][] = [];
  let line: Seg[] = [];
  let len = 0;
  let pendingSpace: Style | null = null;
  const put = (text: string, style: Style) => {
    const last = line[line.length - 1];
    if (last && last.style === style) last.text += text;
    else line.push({ text, style });
    len += [...text].length;
  };
  const flush = () => {
    lines.push(line);
    line = [];
    len = 0;
    pendingSpace = null;
  };
  for (const seg of segs) {
    for (const part of seg.text.split(/(\s+)/)) {
      if (!part) continue;
      if (/^\s+$/.test(part)) {
        if (part.includes('\n')) {
          flush();
          continue;
        }
        if (len > 0) pendingSpace = seg.style;
        continue;
      }
      let word = [...part];
      if (len > 0 && len + (pendingSpace ? 1 : 0) + word.length > width) flush();
      if (pendingSpace && len > 0) put(' ', pendingSpace);
      pendingSpace = null;
      while (word.length > width - len && width - len > 0) {
        put(word.slice(0, width - len).join(''), seg.style);
        word = word.slice(width - len);
        flush();
      }
      if (word.length) put(word.join(''), seg.style);
    }
  }
  if (line.length) lines.push(line);
  return lines.map((l) => l.map((s) => paintSeg(theme, s)).join(''));
}

function plainText(tokens: Token[] | undefined): string {
  return inline(tokens, {}, [])
    .map((s) => s.text)
    .join('');
}

function table(tok: Tokens.Table, width: number, theme: Theme): string[] {
  const head = tok.header.map((c) => plainText(c.tokens));
  const rows = tok.rows.map((r) => r.map((c) => plainText(c.tokens)));
  const n = head.length;
  const natural = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length), 1));
  // Columns share what is left after the separators; wide columns give way first.
  const room = Math.max(n * 3, width - (n - 1) * 3);
  const widths = [...natural];
  while (widths.reduce((a, b) => a + b, 0) > room) {
    const i = widths.indexOf(Math.max(...widths));
    if (widths[i] <= 3) break;
    widths[i]--;
  }
  const cellLines = (text: string, w: number) => wrap([{ text, style: {} }], w, { ...theme, color: false });
  const renderRow = (cells: string[], header: boolean) => {
    const wrapped = cells.map((c, i) => cellLines(c, widths[i]));
    const height = Math.max(1, ...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let y = 0; y < height; y++) {
      out.push(
        wrapped
          .map((w, i) => {
            const text = (w[y] ?? '').padEnd(widths[i]);
            return header ? paint(theme, null, text, { bold: true }) : text;
          })
          .join(paint(theme, 'secondary', ' │ ')),
      );
    }
    return out;
  };
  const rule = paint(theme, 'secondary', widths.map((w) => '─'.repeat(w)).join('─┼─'));
  return [...renderRow(head, true), rule, ...rows.flatMap((r) => renderRow(r, false))];
}

function blocks(tokens: Token[], width: number, theme: Theme): string[] {
  const out: string[] = [];
  const gap = () => {
    if (out.length && out[out.length - 1] !== '') out.push('');
  };
  for (const tok of tokens) {
    switch (tok.type) {
      case 'space':
        break;
      case 'heading': {
        gap();
        const h = tok as Tokens.Heading;
        out.push(...wrap(inline(h.tokens, { bold: true, tone: 'title' }, [], !theme.color), width, theme));
        break;
      }
      case 'paragraph':
        gap();
        out.push(...wrap(inline((tok as Tokens.Paragraph).tokens, {}, [], !theme.color), width, theme));
        break;
      case 'text': {
        const t = tok as Tokens.Text;
        out.push(
          ...wrap(
            t.tokens ? inline(t.tokens, {}, [], !theme.color) : [{ text: decode(t.text), style: {} }],
            width,
            theme,
          ),
        );
        break;
      }
      case 'code': {
        gap();
        for (const l of (tok as Tokens.Code).text.split('\n')) out.push('    ' + paint(theme, 'code', l));
        break;
      }
      case 'list': {
        gap();
        const l = tok as Tokens.List;
        const start = typeof l.start === 'number' ? l.start : 1;
        l.items.forEach((item, i) => {
          const bullet = l.ordered ? `${start + i}. ` : '• ';
          const inner = blocks(item.tokens, Math.max(10, width - bullet.length), theme).filter(
            (x, j, a) => !(x === '' && (j === 0 || j === a.length - 1)),
          );
          inner.forEach((line, j) => out.push((j === 0 ? bullet : ' '.repeat(bullet.length)) + line));
        });
        break;
      }
      case 'table':
        gap();
        out.push(...table(tok as Tokens.Table, width, theme));
        break;
      case 'blockquote': {
        gap();
        const inner = blocks((tok as Tokens.Blockquote).tokens, Math.max(10, width - 2), theme);
        for (const line of inner) out.push(paint(theme, 'secondary', '│ ') + line);
        break;
      }
      case 'hr':
        gap();
        out.push(paint(theme, 'secondary', '─'.repeat(Math.max(1, width))));
        break;
      case 'html':
        gap();
        out.push(...wrap([{ text: (tok as Tokens.HTML).text.trim(), style: {} }], width, theme));
        break;
      default:
        gap();
        out.push(...wrap([{ text: tok.raw.trim(), style: {} }], width, theme));
    }
  }
  return out;
}

/** Renders markdown into lines no wider than `width` (code lines excepted: they are cut, not reflowed). */
export function renderMarkdown(md: string, width: number, theme: Theme): string[] {
  const w = Math.max(20, width);
  const key = `${w}|${theme.name}|${md}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const lines = blocks(new Lexer().lex(md), w, theme);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (cache.size > 200) cache.clear();
  cache.set(key, lines);
  return lines;
}
