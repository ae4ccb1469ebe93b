/** `react/jsx-runtime` inside the built UI: re-exported from the code-cached vendor bundle (see load.ts). */
import { vendor } from './load.js';

export const { jsx, jsxs, Fragment } = vendor;
