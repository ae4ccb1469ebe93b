/**
 * PKI mount state: issuers (CA certificates), their keys, issued certificates,
 * revocations, CRLs, roles and URLs. Parsed issuers, keys and roles are cached in memory;
 * only this mount writes its storage, and a restore builds a fresh backend.
 */
import crypto, { type KeyObject } from 'node:crypto';
import type { Clock } from '../../sdk/clock.js';
import { userError } from '../../sdk/errors.js';
import { uuid } from '../../sdk/ids.js';
import type { StorageView } from '../../sdk/storage.js';
import { pem, pemBlocks } from './der.js';
import {
  type BuiltCert,
  buildCRL,
  formatSerial,
  keyInfo,
  type ParsedCert,
  parseCertificate,
  signedBy,
  type Urls,
} from './x509.js';

export interface IssuerEntry {
  issuer_id: string;
  issuer_name: string;
  key_id: string;
  certificate: string; // PEM
  /** Issuer ids of the parents, nearest first (built when imported or generated). */
  chain: string[];
  crl_number: number;
  leaf_not_after_behavior: 'err' | 'truncate' | 'permit';
}

export interface KeyEntry {
  key_id: string;
  key_name: string;
  key_type: string;
  private_key: string;
}

export interface CertEntry {
  certificate: string; // PEM
  issuer_id: string;
  revocation_time?: number; // unix seconds
  not_after: number; // unix ms
}

export interface Issuer {
  entry: IssuerEntry;
  cert: ParsedCert;
  key?: KeyObject;
}

export const NEXT_UPDATE_SECONDS = 72 * 3600;

export class PkiStore {
  private issuers = new Map<string, Issuer>();
  private loaded = false;
  private defaultId = '';
  private roleCache = new Map<string, Record<string, unknown> | null>();
  private urlsCache: Urls | undefined;
  constructor(
    readonly storage: StorageView,
    readonly clock: Clock,
  ) {}

  invalidate() {
    this.issuers.clear();
    this.loaded = false;
    this.roleCache.clear();
    this.urlsCache = undefined;
  }

  // ---------------------------------------------------------------- issuers

  private async load() {
    if (this.loaded) return;
    this.issuers.clear();
    const cfg = await this.storage.getJSON<{ default: string }>('config/issuers');
    this.defaultId = cfg?.default ?? '';
    for (const id of await this.storage.list('issuer/')) {
      const e = await this.storage.getJSON<IssuerEntry>(`issuer/${id}`);
      if (!e) continue;
      this.issuers.set(id, await this.hydrate(e));
    }
    this.loaded = true;
  }

  private async hydrate(e: IssuerEntry): Promise<Issuer> {
    const cert = parseCertificate(pemBlocks(e.certificate)[0].der);
    let key: KeyObject | undefined;
    if (e.key_id) {
      const k = await this.storage.getJSON<KeyEntry>(`key/${e.key_id}`);
      if (k) key = crypto.createPrivateKey(k.private_key);
    }
    return { entry: e, cert, key };
  }

  async all(): Promise<Issuer[]> {
    await this.load();
    return [...this.issuers.values()];
  }

  async defaultIssuer(): Promise<Issuer | undefined> {
    await this.load();
    return this.issuers.get(this.defaultId);
  }

  /** Resolves `default`, an issuer id or an issuer name. */
  async issuer(ref: string): Promise<Issuer | undefined> {
    await this.load();
    if (!ref || ref === 'default') return this.issuers.get(this.defaultId);
    return this.issuers.get(ref) ?? [...this.issuers.values()].find((i) => i.entry.issuer_name === ref);
  }

  /** The issuer that must sign (has a key), or the Vault error when there is none. */
  async signingIssuer(ref = 'default'): Promise<Issuer & { key: KeyObject }> {
    const i = await this.issuer(ref);
    if (!i)
      throw userError(
        ref === 'default'
          ? 'no default issuer currently configured'
          : `unable to find PKI issuer for reference: ${ref}`,
      );
    if (!i.key) throw userError(`issuer ${i.entry.issuer_id} does not have an associated private key and cannot sign`);
    return i as Issuer & { key: KeyObject };
  }

  async saveKey(k: KeyObject, name = ''): Promise<KeyEntry> {
    const e: KeyEntry = {
      key_id: uuid(),
      key_name: name,
      key_type: keyInfo(k).type,
      private_key: k.export({ type: 'pkcs8', format: 'pem' }) as string,
    };
    await this.storage.putJSON(`key/${e.key_id}`, e);
    return e;
  }
  async getKey(id: string): Promise<KeyEntry | undefined> {
    return this.storage.getJSON<KeyEntry>(`key/${id}`);
  }
  async keys(): Promise<KeyEntry[]> {
    const out: KeyEntry[] = [];
    for (const id of await this.storage.list('key/')) {
      const k = await this.getKey(id);
      if (k) out.push(k);
    }
    return out;
  }

  /** Adds an issuer; the first one (or any when none is default) becomes the default. */
  async addIssuer(certPem: string, keyId: string, name = ''): Promise<Issuer> {
    await this.load();
    const e: IssuerEntry = {
      issuer_id: uuid(),
      issuer_name: name,
      key_id: keyId,
      certificate: certPem,
      chain: [],
      crl_number: 0,
      leaf_not_after_behavior: 'err',
    };
    const issuer = await this.hydrate(e);
    this.issuers.set(e.issuer_id, issuer);
    await this.relinkChains();
    if (!this.defaultId || !this.issuers.has(this.defaultId)) await this.setDefault(e.issuer_id);
    await this.storage.putJSON(`issuer/${e.issuer_id}`, e);
    await this.storeCert(issuer.cert, e.issuer_id);
    if (issuer.key) await this.rebuildCRL(issuer);
    return issuer;
  }

  async setDefault(id: string) {
    this.defaultId = id;
    await this.storage.putJSON('config/issuers', { default: id });
  }
  get defaultIssuerId() {
    return this.defaultId;
  }

  /** Recomputes every issuer's parent chain from the issuers present (subject match + signature). */
  private async relinkChains() {
    const list = [...this.issuers.values()];
    const parentOf = (i: Issuer) =>
      list.find((p) => p !== i && p.cert.subjectRaw.equals(i.cert.issuerRaw) && signedBy(i.cert, p.cert.publicKey));
    for (const i of list) {
      const chain: string[] = [];
      let cur: Issuer | undefined = i;
      const seen = new Set<string>([i.entry.issuer_id]);
      while ((cur = cur && parentOf(cur)) && !seen.has(cur.entry.issuer_id)) {
        chain.push(cur.entry.issuer_id);
        seen.add(cur.entry.issuer_id);
      }
      if (chain.join() !== i.entry.chain.join()) {
        i.entry.chain = chain;
        await this.storage.putJSON(`issuer/${i.entry.issuer_id}`, i.entry);
      }
    }
  }

  /** PEM chain: the issuer followed by its parents. */
  chainPems(i: Issuer): string[] {
    return [
      i.entry.certificate,
      ...i.entry.chain.map((id) => this.issuers.get(id)?.entry.certificate).filter((x): x is string => !!x),
    ];
  }

  async deleteAll() {
    await this.load();
    for (const id of this.issuers.keys()) {
      await this.storage.delete(`issuer/${id}`);
      await this.storage.delete(`crl/${id}`);
    }
    for (const id of await this.storage.list('key/')) await this.storage.delete(`key/${id}`);
    await this.storage.delete('config/issuers');
    this.issuers.clear();
    this.defaultId = '';
  }

  // ---------------------------------------------------------------- certificates

  async storeCert(c: BuiltCert, issuerId: string) {
    const e: CertEntry = { certificate: pem('CERTIFICATE', c.der), issuer_id: issuerId, not_after: c.notAfter };
    await this.storage.putJSON(`certs/${formatSerial(c.serial, '-')}`, e);
  }
  async getCert(serialHyphen: string): Promise<CertEntry | undefined> {
    return this.storage.getJSON<CertEntry>(`certs/${serialHyphen}`);
  }
  async putCert(serialHyphen: string, e: CertEntry) {
    await this.storage.putJSON(`certs/${serialHyphen}`, e);
  }
  async deleteCert(serialHyphen: string) {
    await this.storage.delete(`certs/${serialHyphen}`);
  }
  async listCerts(): Promise<string[]> {
    return (await this.storage.list('certs/')).filter((k) => !k.endsWith('/'));
  }
  async listRevoked(): Promise<string[]> {
    return (await this.storage.list('revoked/')).filter((k) => !k.endsWith('/'));
  }
  async getRevoked(s: string) {
    return this.storage.getJSON<{
      serial_number: string;
      revocation_time: number;
      issuer_id: string;
      certificate: string;
    }>(`revoked/${s}`);
  }
  async putRevoked(
    s: string,
    v: { serial_number: string; revocation_time: number; issuer_id: string; certificate: string },
  ) {
    await this.storage.putJSON(`revoked/${s}`, v);
  }
  async deleteRevoked(s: string) {
    await this.storage.delete(`revoked/${s}`);
  }

  // ---------------------------------------------------------------- CRLs

  /** Rebuilds and stores the CRL of one issuer from the revocation list. */
  async rebuildCRL(i: Issuer): Promise<Buffer | undefined> {
    if (!i.key) return undefined;
    const revoked = [];
    for (const s of await this.listRevoked()) {
      const r = await this.getRevoked(s);
      if (r && r.issuer_id === i.entry.issuer_id)
        revoked.push({ serial: BigInt('0x' + s.replace(/-/g, '')), time: r.revocation_time * 1000 });
    }
    revoked.sort((a, b) => (a.serial < b.serial ? -1 : 1));
    i.entry.crl_number += 1;
    const now = this.clock.nowMs();
    const der = buildCRL({
      issuerName: i.cert.subjectRaw,
      signer: i.key,
      authorityKeyId: i.cert.skid ?? Buffer.alloc(0),
      thisUpdate: now,
      nextUpdate: now + NEXT_UPDATE_SECONDS * 1000,
      number: i.entry.crl_number,
      revoked,
    });
    await this.storage.putJSON(`issuer/${i.entry.issuer_id}`, i.entry);
    await this.storage.put(`crl/${i.entry.issuer_id}`, der);
    return der;
  }

  async rebuildAllCRLs() {
    for (const i of await this.all()) await this.rebuildCRL(i);
  }

  async crl(i: Issuer): Promise<Buffer | undefined> {
    return (await this.storage.get(`crl/${i.entry.issuer_id}`)) ?? this.rebuildCRL(i);
  }

  // ---------------------------------------------------------------- roles and URLs

  async role(name: string): Promise<Record<string, unknown> | undefined> {
    if (this.roleCache.has(name)) return this.roleCache.get(name) ?? undefined;
    const r = (await this.storage.getJSON<Record<string, unknown>>(`role/${name}`)) ?? null;
    this.roleCache.set(name, r);
    return r ?? undefined;
  }
  async putRole(name: string, r: Record<string, unknown>) {
    await this.storage.putJSON(`role/${name}`, r);
    this.roleCache.set(name, r);
  }
  async deleteRole(name: string) {
    await this.storage.delete(`role/${name}`);
    this.roleCache.delete(name);
  }
  async roles(): Promise<string[]> {
    return (await this.storage.list('role/')).filter((k) => !k.endsWith('/'));
  }

  async urls(): Promise<Urls> {
    if (!this.urlsCache)
      this.urlsCache = (await this.storage.getJSON<Urls>('config/urls')) ?? {
        issuing_certificates: [],
        crl_distribution_points: [],
        ocsp_servers: [],
      };
    return this.urlsCache;
  }
  async setUrls(u: Urls) {
    await this.storage.putJSON('config/urls', u);
    this.urlsCache = u;
  }
}
