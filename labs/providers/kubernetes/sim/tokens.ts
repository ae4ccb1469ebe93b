/**
 * Service-account tokens of the simulated cluster: real RS256 JWTs with Kubernetes'
 * claims (TokenRequest), and their verification (TokenReview): signature, issuer,
 * expiry, audience, and that the service account still exists with the same UID.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export const DEFAULT_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface Review {
  authenticated: boolean;
  error?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  audiences?: string[];
}

export interface Signer {
  publicKey: KeyObject;
  privateKey: KeyObject;
  issue(
    sa: { namespace: string; name: string; uid: string },
    o: { audiences?: string[]; expirationSeconds?: number; pod?: { name: string; uid: string } },
  ): Promise<string>;
  /** Verifies a token; `uidOf` answers the current UID of a service account (undefined when it is gone). */
  review(token: string, audiences: string[], uidOf: (ns: string, name: string) => string | undefined): Promise<Review>;
}

export function newSigner(now: () => number): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return {
    publicKey,
    privateKey,
    issue(sa, o) {
      const iat = Math.floor(now() / 1000);
      const exp = iat + (o.expirationSeconds ?? 3600);
      return new SignJWT({
        'kubernetes.io': {
          namespace: sa.namespace,
          serviceaccount: { name: sa.name, uid: sa.uid },
          ...(o.pod ? { pod: o.pod } : {}),
        },
      })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(ISSUER)
        .setSubject(`system:serviceaccount:${sa.namespace}:${sa.name}`)
        .setAudience(o.audiences?.length ? o.audiences : [DEFAULT_AUDIENCE])
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(exp)
        .setJti(randomUUID())
        .sign(privateKey);
    },
    async review(token, audiences, uidOf) {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, publicKey, {
          issuer: ISSUER,
          currentDate: new Date(now()),
          audience: audiences.length ? audiences : undefined,
          algorithms: ['RS256'],
        }));
      } catch (e) {
        const msg = (e as Error).message;
        return {
          authenticated: false,
          error: /exp/.test(msg)
            ? '[invalid bearer token, token has expired]'
            : /aud/.test(msg)
              ? '[invalid bearer token, token audiences ... is invalid for the target audiences]'
              : '[invalid bearer token, square/go-jose: error in cryptographic primitive]',
        };
      }
      const k = payload['kubernetes.io'] as
        | { namespace?: string; serviceaccount?: { name?: string; uid?: string } }
        | undefined;
      const uid = k?.namespace && k.serviceaccount?.name ? uidOf(k.namespace, k.serviceaccount.name) : undefined;
      if (!uid || uid !== k?.serviceaccount?.uid)
        return { authenticated: false, error: '[invalid bearer token, service account token has been invalidated]' };
      const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
      return {
        authenticated: true,
        namespace: k!.namespace,
        name: k!.serviceaccount!.name,
        uid,
        audiences: audiences.length ? audiences.filter((a) => aud.includes(a)) : aud,
      };
    },
  };
}
