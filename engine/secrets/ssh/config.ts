/** `config/ca` (generate or import the CA key; read; delete) and the unauthenticated `public_key`. */
import crypto, { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { VaultError, userError } from '../../sdk/errors.js';
import type { PathDef } from '../../framework/backend.js';
import type { SshStore } from './store.js';
import { authorizedKey, keyKind, parseAuthorizedKey, parseOpensshPrivateKey, publicBlob } from './wire.js';

const genPair = promisify(generateKeyPair);

/** A fresh key pair for a CA or for `issue` (Vault's generateSSHKeyPair). @throws VaultError 500 on a bad type. */
export async function generateSshKey(keyType: string, keyBits: number): Promise<KeyObject> {
  switch (keyType) {
    case 'ssh-rsa':
    case 'rsa': {
      const bits = keyBits || 4096;
      if (bits < 2048) throw new VaultError(500, `refusing to generate weak ${keyType} key: ${bits} bits < 2048 bits`);
      return (await genPair('rsa', { modulusLength: bits })).privateKey;
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
    case 'ec': {
      const bits = keyType === 'ec' ? keyBits || 256 : Number(keyType.slice(-3));
      const curve = { 256: 'prime256v1', 384: 'secp384r1', 521: 'secp521r1' }[bits];
      if (!curve) throw new VaultError(500, `unknown ECDSA key pair algorithm: ${bits} bits`);
      return crypto.generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
    }
    case 'ssh-ed25519':
    case 'ed25519':
      return crypto.generateKeyPairSync('ed25519').privateKey;
    default:
      throw new VaultError(500, `unknown ssh key pair algorithm: ${keyType}`);
  }
}

/** A private key in any form ssh.ParseRawPrivateKey takes: OpenSSH, PKCS#1, SEC 1 or PKCS#8 PEM. */
function parsePrivateKey(text: string): KeyObject {
  if (text.includes('OPENSSH PRIVATE KEY')) return parseOpensshPrivateKey(text);
  if (/ENCRYPTED/.test(text)) throw new Error('this private key is passphrase protected');
  const k = crypto.createPrivateKey({ key: text, format: 'pem' });
  keyKind(k);
  return k;
}

export function configPaths(store: SshStore): PathDef[] {
  return [
    {
      pattern: 'config/ca',
      synopsis: 'Set the SSH private key used for signing certificates.',
      fields: {
        generate_signing_key: { type: 'bool', default: true, description: 'Generate the CA key pair here.' },
        key_type: { type: 'string', default: 'ssh-rsa', description: 'rsa, ec, ed25519 or an OpenSSH name.' },
        key_bits: { type: 'int', default: 0 },
        public_key: { type: 'string', default: '' },
        private_key: { type: 'string', default: '' },
      },
      operations: {
        read: async () => {
          const e = await store.caEntry();
          if (!e) throw userError("keys haven't been configured yet");
          return { data: { public_key: e.public_key } };
        },
        update: async (_req, d) => {
          const pub = d.get<string>('public_key');
          const priv = d.get<string>('private_key');
          let generate: boolean;
          if (d.has('generate_signing_key') && d.get<boolean>('generate_signing_key')) {
            if (pub || priv)
              throw userError('public_key and private_key must not be set when generate_signing_key is set to true');
            generate = true;
          } else if (d.has('generate_signing_key') || (pub && priv)) {
            if (!pub) throw userError('missing public_key');
            if (!priv) throw userError('missing private_key');
            generate = false;
          } else if (!pub && !priv) generate = true;
          else
            throw userError(
              'only one of public_key and private_key set; both must be set to use, or both must be blank to auto-generate',
            );
          let key: KeyObject;
          let publicLine: string;
          if (generate) {
            if (await store.caEntry()) throw userError('keys are already configured; delete them before reconfiguring');
            key = await generateSshKey(d.get<string>('key_type'), d.get<number>('key_bits'));
            publicLine = authorizedKey(publicBlob(key));
          } else {
            try {
              key = parsePrivateKey(priv);
            } catch (e) {
              throw userError(`Unable to parse private_key as an SSH private key: ${(e as Error).message}`);
            }
            try {
              publicLine = authorizedKey(parseAuthorizedKey(pub).blob);
            } catch (e) {
              throw userError(`Unable to parse public_key as an SSH public key: ${(e as Error).message}`);
            }
            if (await store.caEntry()) throw userError('keys are already configured; delete them before reconfiguring');
          }
          const pkcs8 = key.export({ type: 'pkcs8', format: 'pem' }) as string;
          await store.putCa({ public_key: publicLine, private_key: pkcs8 });
          return generate ? { data: { public_key: publicLine } } : undefined;
        },
        delete: async () => {
          await store.deleteCa();
        },
      },
    },
    {
      pattern: 'public_key',
      synopsis: "The CA's public key, as a TrustedUserCAKeys line (plain text, no token needed).",
      operations: {
        read: async () => {
          const e = await store.caEntry();
          if (!e)
            return { raw: { status: 404, contentType: 'application/json', body: JSON.stringify({ errors: [] }) } };
          return { raw: { status: 200, contentType: 'text/plain', body: e.public_key } };
        },
      },
    },
  ];
}
