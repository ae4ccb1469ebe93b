/** `react` inside the built UI: re-exported from the code-cached vendor bundle (see load.ts). */
import { vendor } from './load.js';

export const { createContext, useCallback, useContext, useEffect, useRef, useState } = vendor;
export default vendor.React;
