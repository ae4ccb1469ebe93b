/** `config/urls`: AIA, CRL distribution point and OCSP URLs embedded in certificates issued afterwards. */
import { userError } from '../../sdk/errors.js';
import type { PathDef } from '../../framework/backend.js';
import type { PkiStore } from './store.js';

export function urlPaths(store: PkiStore): PathDef[] {
  const fields = {
    issuing_certificates: {
      type: 'commaStringSlice' as const,
      description: 'URLs of the issuing CA certificate (AIA caIssuers).',
    },
    crl_distribution_points: { type: 'commaStringSlice' as const, description: 'URLs of the CRL.' },
    ocsp_servers: { type: 'commaStringSlice' as const, description: 'URLs of OCSP responders.' },
    enable_templating: { type: 'bool' as const },
  };
  return [
    {
      pattern: 'config/urls',
      synopsis: 'Set the URLs for the issuing CA, CRL distribution points, and OCSP servers.',
      fields,
      operations: {
        read: async () => ({ data: { ...(await store.urls()), enable_templating: false } }),
        update: async (_req, d) => {
          const u = { ...(await store.urls()) };
          for (const k of ['issuing_certificates', 'crl_distribution_points', 'ocsp_servers'] as const) {
            if (!d.has(k)) continue;
            const list = d.get<string[]>(k);
            for (const x of list) {
              let ok = false;
              try {
                ok = !!new URL(x).protocol;
              } catch {
                ok = false;
              }
              if (!ok) throw userError(`invalid URL found in ${k}: ${x}`);
            }
            u[k] = list;
          }
          await store.setUrls(u);
          return { data: { ...u, enable_templating: false } };
        },
      },
    },
  ];
}
