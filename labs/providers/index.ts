/** Loads every provider so it registers itself. Add one import per provider. */
export { providerFor, registerProvider, ProviderError } from './types.js';
export type { Provider, ProvidedSystem, ProviderContext, NeedKind } from './types.js';
import './postgres/index.js';
import './kubernetes/index.js';
import './ssh/index.js';
import './oathtool/index.js';
import './syslog/index.js';
