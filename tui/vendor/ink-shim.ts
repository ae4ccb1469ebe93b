/** `ink` inside the built UI: re-exported from the code-cached vendor bundle (see load.ts). */
import { vendor } from './load.js';

export const { render, Box, Text, useApp, useStdin, useStdout } = vendor;
