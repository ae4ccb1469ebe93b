/**
 * yoga-layout without top-level await, for the CommonJS UI bundle. yoga-layout's own entry
 * awaits Emscripten's asynchronous WebAssembly set-up; Emscripten lets the host instantiate
 * the module instead (`instantiateWasm`), and Node may compile and instantiate WebAssembly
 * synchronously, so the runtime is ready when the factory returns. The build replaces
 * `__YOGA_WASM_BASE64__` with the wasm bytes taken from yoga-layout's own binary file.
 */
// @ts-expect-error untyped Emscripten factory
import loadYogaImpl from 'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js';
// @ts-expect-error internal module of yoga-layout
import wrapAssembly from 'yoga-layout/dist/src/wrapAssembly.js';

declare const __YOGA_WASM_BASE64__: string;

const wasm = new WebAssembly.Module(Buffer.from(__YOGA_WASM_BASE64__, 'base64'));
const runtime: Record<string, unknown> = {
  instantiateWasm(imports: WebAssembly.Imports, ready: (i: WebAssembly.Instance) => void) {
    const instance = new WebAssembly.Instance(wasm, imports);
    ready(instance);
    return instance.exports;
  },
};
(loadYogaImpl(runtime) as Promise<unknown>).catch(() => undefined);
if (!runtime.calledRun) throw new Error('yoga-layout did not start synchronously');
const Yoga = wrapAssembly(runtime);
export default Yoga;
// @ts-expect-error internal module of yoga-layout
export * from 'yoga-layout/dist/src/generated/YGEnums.js';
