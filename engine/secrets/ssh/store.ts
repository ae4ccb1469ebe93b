/** What an SSH mount keeps: its CA key pair and its roles. The parsed CA key is cached per mount. */
import crypto, { type KeyObject } from 'node:crypto';
import type { StorageView } from '../../sdk/storage.js';
import { caSigner, type CaSigner } from './cert.js';
import { publicBlob } from './wire.js';

export interface CaEntry {
  public_key: string;
  /** PKCS#8 PEM. */
  private_key: string;
}

export interface SshRole {
  key_type: 'ca';
  allow_user_certificates: boolean;
  allow_host_certificates: boolean;
  allowed_users: string;
  allowed_users_template: boolean;
  default_user: string;
  default_user_template: boolean;
  allowed_domains: string;
  allowed_domains_template: boolean;
  allow_bare_domains: boolean;
  allow_subdomains: boolean;
  allowed_extensions: string;
  default_extensions: Record<string, string>;
  default_extensions_template: boolean;
  allowed_critical_options: string;
  default_critical_options: Record<string, string>;
  allow_user_key_ids: boolean;
  key_id_format: string;
  ttl: number;
  max_ttl: number;
  algorithm_signer: string;
  allowed_user_key_lengths: Record<string, number[]>;
  not_before_duration: number;
  allow_empty_principals: boolean;
}

export class SshStore {
  private ca: { key: KeyObject; blob: Buffer; signers: Map<string, CaSigner> } | null | undefined;
  private roleCache = new Map<string, SshRole>();
  constructor(readonly storage: StorageView) {}

  async caEntry(): Promise<CaEntry | undefined> {
    return this.storage.getJSON<CaEntry>('config/ca');
  }
  async putCa(e: CaEntry): Promise<void> {
    await this.storage.putJSON('config/ca', e);
    this.ca = undefined;
  }
  async deleteCa(): Promise<void> {
    await this.storage.delete('config/ca');
    this.ca = undefined;
  }

  /** The CA signer for an `algorithm_signer`, or undefined when no CA is configured. */
  async signer(algorithmSigner: string): Promise<CaSigner | undefined> {
    if (this.ca === undefined) {
      const e = await this.caEntry();
      if (!e) this.ca = null;
      else {
        const key = crypto.createPrivateKey(e.private_key);
        this.ca = { key, blob: publicBlob(key), signers: new Map() };
      }
    }
    if (!this.ca) return undefined;
    let s = this.ca.signers.get(algorithmSigner);
    if (!s) {
      s = caSigner(this.ca.key, algorithmSigner, this.ca.blob);
      this.ca.signers.set(algorithmSigner, s);
    }
    return s;
  }

  async role(name: string): Promise<SshRole | undefined> {
    const cached = this.roleCache.get(name);
    if (cached) return cached;
    const r = await this.storage.getJSON<SshRole>(`roles/${name}`);
    if (r) this.roleCache.set(name, r);
    return r;
  }
  async putRole(name: string, r: SshRole): Promise<void> {
    await this.storage.putJSON(`roles/${name}`, r);
    this.roleCache.set(name, r);
  }
  async deleteRole(name: string): Promise<void> {
    await this.storage.delete(`roles/${name}`);
    this.roleCache.delete(name);
  }
  async roles(): Promise<string[]> {
    return (await this.storage.list('roles/')).filter((k) => !k.endsWith('/'));
  }
  invalidate(): void {
    this.ca = undefined;
    this.roleCache.clear();
  }
}
