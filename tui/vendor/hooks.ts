/**
 * What the built UI's vendor loader (load.ts) offers the rest of the UI. Running from source
 * (tests), nothing sets it and saving the code cache does nothing.
 */
export const vendorHooks = { saveCache: (): void => undefined };
