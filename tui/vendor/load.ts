/**
 * Loads the UI's vendor bundle (Ink, React, yoga: about 0.8 MB of JavaScript) with a V8
 * code cache, as Node 22's module compile cache does: the first start compiles it and, once
 * the first frame is up, saves the compiled code — including every function the first
 * render needed — under the data folder; later starts skip parsing and compiling it.
 *
 * The cache file is named after the bundle's content hash, Node's version and the CPU
 * architecture, so a rebuilt bundle or another Node never reads a stale cache; V8 also
 * rejects a cache that does not fit, and then the code is simply compiled. A cache that
 * cannot be read or written costs nothing but the speed-up. It holds compiled code only.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../../labs/index.js';
import { vendorHooks } from './hooks.js';

declare const __UI_VENDOR__: string;

export interface Vendor {
  render: typeof import('ink').render;
  Box: typeof import('ink').Box;
  Text: typeof import('ink').Text;
  useApp: typeof import('ink').useApp;
  useStdin: typeof import('ink').useStdin;
  useStdout: typeof import('ink').useStdout;
  React: typeof import('react');
  createContext: typeof import('react').createContext;
  useCallback: typeof import('react').useCallback;
  useContext: typeof import('react').useContext;
  useEffect: typeof import('react').useEffect;
  useRef: typeof import('react').useRef;
  useState: typeof import('react').useState;
  jsx: typeof import('react/jsx-runtime').jsx;
  jsxs: typeof import('react/jsx-runtime').jsxs;
  Fragment: typeof import('react/jsx-runtime').Fragment;
}

let saveCache: (() => void) | null = null;

function load(): Vendor {
  const file = fileURLToPath(new URL(`./${__UI_VENDOR__}`, import.meta.url));
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = path.join(cacheDir(), 'v8', `${__UI_VENDOR__}-${process.version}-${process.arch}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    /* first start */
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const mod = { exports: {} as Vendor };
  (script.runInThisContext() as (...a: unknown[]) => void).call(
    mod.exports,
    mod.exports,
    createRequire(file),
    mod,
    file,
    path.dirname(file),
  );
  if (!cachedData || script.cachedDataRejected) {
    saveCache = () => {
      saveCache = null;
      try {
        const data = script.createCachedData();
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, data, { mode: 0o600 });
        fs.renameSync(tmp, cacheFile);
        // Caches of earlier builds or other Node versions are never read again.
        for (const f of fs.readdirSync(path.dirname(cacheFile))) {
          if (f.startsWith('ui-vendor-') && f.endsWith('.bin') && f !== path.basename(cacheFile))
            fs.rmSync(path.join(path.dirname(cacheFile), f), { force: true });
        }
      } catch {
        /* no cache this time */
      }
    };
  }
  return mod.exports;
}

export const vendor: Vendor = load();

// Saves the code cache if this start compiled the bundle; the UI calls it once the first frame is up.
vendorHooks.saveCache = () => saveCache?.();
