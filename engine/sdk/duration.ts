/** Vault-style durations: integers are seconds; strings take Go units plus `d`. */
const UNIT: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a duration into whole seconds.
 * @throws Error with Go's wording when the text is not a duration.
 * @example parseDuration('1h30m') // 5400
 */
export function parseDuration(v: unknown): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`time: invalid duration "${v}"`);
    return Math.trunc(v);
  }
  if (typeof v !== 'string') throw new Error(`time: invalid duration "${String(v)}"`);
  const s = v.trim();
  if (s === '') return 0;
  if (/^-?\d+$/.test(s)) return parseInt(s, 10);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/y;
  let neg = false;
  let i = 0;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    i = 1;
  }
  let total = 0;
  let matched = false;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new Error(`time: invalid duration "${s}"`);
    total += parseFloat(m[1]) * UNIT[m[2]];
    i = re.lastIndex;
    matched = true;
  }
  if (!matched) throw new Error(`time: invalid duration "${s}"`);
  return Math.trunc(neg ? -total : total);
}

/** Formats seconds as Go's time.Duration.String() does (`1h0m0s`, `30m0s`, `0s`). */
export function formatGoDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const neg = seconds < 0;
  let s = Math.abs(Math.trunc(seconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let out = '';
  if (h) out = `${h}h${m}m${s}s`;
  else if (m) out = `${m}m${s}s`;
  else out = `${s}s`;
  return (neg ? '-' : '') + out;
}

/** Formats seconds as the CLI humanises TTLs (`768h`, `1h30m`, `45s`, `0s`). */
export function humanDuration(seconds: number): string {
  return formatGoDuration(seconds)
    .replace(/(\d[hm])0m0s$/, '$1')
    .replace(/(\d)m0s$/, '$1m')
    .replace(/(\d+h\d+m)0s$/, '$1');
}
