/** The system backend (`sys/`), assembled from one file per path family. */
import type { Backend } from '../framework/backend.js';
import type { SystemHost } from '../sdk/system-host.js';
import { capabilityPaths } from './capabilities.js';
import { healthPaths } from './health.js';
import { leasePaths } from './leases.js';
import { mountPaths } from './mounts.js';
import { policyPaths } from './policies.js';
import { toolPaths } from './tools.js';
import { wrappingPaths } from './wrapping.js';
import { sealPaths } from './seal.js';
import { rekeyPaths } from './rekey.js';
import { auditPaths } from './audit.js';
import { lockedUserPaths } from './locked-users.js';
import { passwordPolicyPaths } from './password-policies.js';

/** Extra sys path families registered by other parts of the engine (wrapping, seal, audit …). */
export type SysExtension = (host: SystemHost) => import('../framework/backend.js').PathDef[];

export function systemBackend(host: SystemHost, extensions: SysExtension[] = []): Backend {
  return {
    type: 'system',
    kind: 'secret',
    help: 'The system backend is built in to Vault and cannot be remounted or unmounted. It contains the paths that are used to configure Vault itself.',
    paths: [
      ...healthPaths(host),
      ...mountPaths(host),
      ...policyPaths(host),
      ...capabilityPaths(host),
      ...leasePaths(host),
      ...toolPaths(host),
      ...wrappingPaths(host),
      ...sealPaths(host),
      ...rekeyPaths(host),
      ...auditPaths(host),
      ...lockedUserPaths(host),
      ...passwordPolicyPaths(host),
      ...extensions.flatMap((x) => x(host)),
    ],
    unauthenticated: [
      'health',
      'seal-status',
      'leader',
      'init',
      'unseal',
      'wrapping/lookup',
      'internal/ui/mounts',
      'internal/ui/mounts/*',
      'mounts-all/*',
      'generate-root/*',
      'rekey/*',
    ],
    rootPaths: [
      'auth/*',
      'audit',
      'audit/*',
      // Not audit-hash/*: in Vault an ordinary update grant there is enough (no sudo).
      'leases/lookup/*',
      'leases/revoke-prefix/*',
      'leases/revoke-force/*',
      'revoke-prefix/*',
      'revoke-force/*',
      'seal',
      'rotate',
      'remount',
      'raw/*',
      'step-down',
    ],
  };
}
