/**
 * The terminal as the course UI needs it, through Ink's documented hooks only.
 *
 * Keys: the embedded shell needs input byte for byte (arrows, Ctrl-C, a paste), which
 * `useInput` does not give (it parses keys and drops escape sequences). `useStdin` hands out
 * the stream Ink reads and Ink's own `setRawMode` (which starts Ink reading it). Ink reads
 * with `stdin.read()` from a 'readable' listener, and a Node stream emits 'data' for every
 * chunk `read()` returns while a 'readable' listener controls the flow; so a 'data'
 * listener sees each chunk as read, without taking the stream away from Ink. An escape
 * sequence split over two reads is put back together, as Ink's parser does for useInput.
 */
import { useEffect } from 'react';
import { useStdin, useStdout } from 'ink';
import { unfinishedEscape } from './input.js';

/** Calls `onChunk` with every chunk of raw input, in raw mode, while mounted. */
export function useRawInput(onChunk: (chunk: string) => void): void {
  const { stdin, setRawMode, isRawModeSupported } = useStdin();
  useEffect(() => {
    if (!isRawModeSupported) return;
    // Raw mode first: Ink attaches its 'readable' listener, so ours never puts the stream in flowing mode.
    setRawMode(true);
    let pending = '';
    let flush: NodeJS.Immediate | undefined;
    const onData = (data: string | Buffer) => {
      if (flush) clearImmediate(flush);
      const chunk = pending + (typeof data === 'string' ? data : data.toString('utf8'));
      const at = unfinishedEscape(chunk);
      pending = at < 0 ? '' : chunk.slice(at);
      const ready = at < 0 ? chunk : chunk.slice(0, at);
      if (ready) onChunk(ready);
      // Nothing more came at once: it was the Esc key (or a sequence cut short), so pass it on.
      if (pending)
        flush = setImmediate(() => {
          const p = pending;
          pending = '';
          flush = undefined;
          onChunk(p);
        });
    };
    stdin.on('data', onData);
    return () => {
      if (flush) clearImmediate(flush);
      stdin.off('data', onData);
      setRawMode(false);
    };
  }, [stdin, setRawMode, isRawModeSupported, onChunk]);
}

/** Calls `onResize` with the terminal's new size when it changes (not with a fixed size). */
export function useTerminalResize(onResize: (cols: number, rows: number) => void, enabled: boolean): void {
  const { stdout } = useStdout();
  useEffect(() => {
    if (!enabled) return;
    // Frames fill the terminal, so Ink clears and redraws the whole screen each time: a
    // resize needs only the new layout.
    const listener = () => onResize(stdout.columns ?? 80, stdout.rows ?? 24);
    stdout.on('resize', listener);
    return () => {
      stdout.off('resize', listener);
    };
  }, [stdout, enabled, onResize]);
}
