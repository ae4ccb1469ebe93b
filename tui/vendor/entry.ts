/**
 * The UI's third-party code (Ink, React, yoga) as one CommonJS bundle, built by
 * scripts/build.mjs into `dist/ui-vendor-<hash>.cjs` and loaded by `load.ts` with a V8
 * code cache. Our own UI code imports `ink`, `react` and `react/jsx-runtime` as usual;
 * in the build those names resolve to the shims next to this file, which re-export from here.
 * Only what the shims list is exported.
 */
export { render, Box, Text, useApp, useStdin, useStdout } from 'ink';
export { default as React, createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
export { jsx, jsxs, Fragment } from 'react/jsx-runtime';
