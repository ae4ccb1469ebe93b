import { describe, expect, it } from 'vitest';
import { goBase64Error } from './tools.js';

describe("goBase64Error: where Go's base64.StdEncoding stops", () => {
  it('accepts padded base64 with newlines anywhere, and the empty string', () => {
    for (const ok of ['', 'aGVsbG8=', 'aGk=', 'aGVs\nbG8=', 'aGVsbG8=\r\n', 'YQ=='])
      expect(goBase64Error(ok), JSON.stringify(ok)).toBeNull();
  });

  it('reports the byte offset Go reports', () => {
    const cases: Array<[string, number]> = [
      ['hello world', 5], // the space
      ['aGVsbG8', 4], // a group of three without its padding
      ['aGVs*G8=', 4],
      ['a===', 1], // padding after one character
      ['aG=', 3], // "==" expected, input ended
      ['aG=x', 2], // second padding character wrong
      ['aGVsbG8=x', 8], // garbage after the padding
      ['aGk=aGk=', 4],
    ];
    for (const [text, at] of cases) expect(goBase64Error(text), JSON.stringify(text)).toBe(at);
  });
});
