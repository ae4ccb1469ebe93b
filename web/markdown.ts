/**
 * Lesson markdown → HTML for the page, safe whatever a lab author wrote: raw HTML in the
 * markdown is shown as text (never parsed), links and images keep only http(s), mailto and
 * in-page targets, and code blocks carry a copy button the page script wires up. Built on
 * marked (bundled) with our own renderer rules.
 */
import { Marked, type Tokens } from 'marked';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A URL kept as a link target, or undefined: no `javascript:`, `data:` or other schemes. */
function safeUrl(href: string): string | undefined {
  const h = href.trim();
  if (/^(https?:|mailto:)/i.test(h) || /^#[\w-]*$/.test(h)) return h;
  return undefined;
}

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return esc(text);
    },
    link({ href, tokens }: Tokens.Link) {
      const inner = this.parser.parseInline(tokens);
      const url = safeUrl(href);
      return url ? `<a href="${esc(url)}" rel="noopener noreferrer" target="_blank">${inner}</a>` : inner;
    },
    image({ text }: Tokens.Image) {
      // Images would load from elsewhere (the page works offline): their alt text stands in.
      return esc(text);
    },
    code({ text, lang }: Tokens.Code) {
      const cls = lang && /^[\w-]+$/.test(lang) ? ` class="language-${lang}"` : '';
      return `<div class="code"><pre><code${cls}>${esc(text)}</code></pre><button type="button" class="copy" aria-label="Copy this code">Copy</button></div>\n`;
    },
  },
});

const cache = new Map<string, string>();

/** Markdown blocks → sanitised HTML. */
export function renderMarkdown(md: string): string {
  let html = cache.get(md);
  if (html === undefined) {
    html = marked.parse(md) as string;
    if (cache.size > 2000) cache.clear();
    cache.set(md, html);
  }
  return html;
}

/** One line of inline markdown (a hint) → sanitised HTML. */
export function renderInline(md: string): string {
  return marked.parseInline(md) as string;
}
