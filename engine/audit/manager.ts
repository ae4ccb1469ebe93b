/**
 * The audit device table: enable, disable, list, and the per-device salts. Devices are
 * stored under the barrier (`core/audit`), opened on unseal and closed on seal.
 *
 * Fail-closed: every entry is offered to every device; if devices are enabled and none
 * of them could record it, the request fails (as in Vault) — nothing happens unaudited.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEvent } from '../sdk/audit.js';
import type { AuditDevice } from '../sdk/audit.js';
import type { StorageView } from '../sdk/storage.js';
import { userError, VaultError } from '../sdk/errors.js';
import { uuid } from '../sdk/ids.js';
import { formatEntry, type FormatOptions, hmacValue } from './format.js';
import { type AuditSink, parseBoolOption, SINK_TYPES } from './devices.js';
import type { SyslogContext } from './syslog.js';

export interface AuditTableEntry {
  /** With trailing slash. */
  path: string;
  type: string;
  description: string;
  options: Record<string, string>;
  local: boolean;
  uuid: string;
  /** base64; the HMAC key of this device. */
  salt: string;
}

interface LiveDevice {
  entry: AuditTableEntry;
  sink: AuditSink;
  fmt: FormatOptions;
}

const TABLE_KEY = 'audit';

export class AuditManager {
  private live = new Map<string, LiveDevice>();
  private table: AuditTableEntry[] = [];
  /** Why each failing device failed last (for error messages and tests). */
  readonly failures = new Map<string, string>();

  /**
   * @param broker where the core offers every entry (this registers itself there)
   * @param store the barrier-protected view holding the device table (`core/`)
   * @param workDir the directory a relative `file_path` resolves against (Vault: its own working directory)
   * @param syslog where a `syslog` device looks for a daemon (`VAULT_LAB_SYSLOG_SOCKET`, then /dev/log …)
   */
  constructor(
    broker: { devices: AuditDevice[] },
    private readonly store: StorageView,
    private readonly workDir: string = process.cwd(),
    private readonly syslog: SyslogContext = {},
  ) {
    broker.devices.push({
      path: 'audit-devices',
      write: (e: AuditEvent, raw?: ReadonlyMap<string, string>) => this.record(e, raw ?? new Map()),
      // With no device enabled there is nothing to record (the core may then skip building events).
      enabled: () => this.live.size > 0,
    });
  }

  private view() {
    return this.store;
  }

  static normalize(p: string): string {
    let out = p.replace(/^\/+/, '');
    if (!out.endsWith('/')) out += '/';
    return out;
  }

  private async open(entry: AuditTableEntry): Promise<LiveDevice> {
    const make = Object.hasOwn(SINK_TYPES, entry.type) ? SINK_TYPES[entry.type] : undefined;
    if (!make) throw userError(`unknown backend type: ${JSON.stringify(entry.type)}`);
    const o = entry.options;
    const format = o.format ?? 'json';
    if (format !== 'json') throw userError(`unsupported "format": ${JSON.stringify(format)}; vault-lab writes "json"`);
    const fmt: FormatOptions = {
      salt: Buffer.from(entry.salt, 'base64'),
      logRaw: parseBoolOption('log_raw', o.log_raw, false),
      hmacAccessor: parseBoolOption('hmac_accessor', o.hmac_accessor, true),
      prefix: o.prefix ?? '',
      elideListResponses: parseBoolOption('elide_list_responses', o.elide_list_responses, false),
      memo: new Map(),
    };
    return { entry, sink: await make(o, { workDir: this.workDir, syslog: this.syslog }), fmt };
  }

  /** Opens every stored device (unseal, or start of a dev server). */
  async load(): Promise<void> {
    await this.close();
    this.table = (await this.view().getJSON<AuditTableEntry[]>(TABLE_KEY)) ?? [];
    for (const e of this.table) {
      try {
        this.live.set(e.path, await this.open(e));
      } catch (err) {
        // Kept as a device that cannot write: requests fail closed until it is fixed or disabled.
        this.failures.set(e.path, (err as Error).message);
        this.live.set(e.path, {
          entry: e,
          fmt: {
            salt: Buffer.from(e.salt, 'base64'),
            logRaw: false,
            hmacAccessor: true,
            prefix: '',
            elideListResponses: false,
          },
          sink: {
            write: async () => {
              throw err;
            },
            close: async () => undefined,
          },
        });
      }
    }
  }

  /** Closes every device (seal, stop). The table stays in storage. */
  async close(): Promise<void> {
    const all = [...this.live.values()];
    this.live.clear();
    for (const d of all) await d.sink.close().catch(() => undefined);
  }

  list(): AuditTableEntry[] {
    return [...this.table];
  }

  get(path: string): AuditTableEntry | undefined {
    return this.table.find((e) => e.path === AuditManager.normalize(path));
  }

  async enable(p: {
    path: string;
    type: string;
    description?: string;
    options?: Record<string, string>;
    local?: boolean;
  }): Promise<void> {
    const path = AuditManager.normalize(p.path);
    if (path === '/') throw userError('path is required');
    for (const e of this.table) {
      if (e.path === path || path.startsWith(e.path) || e.path.startsWith(path)) throw userError('path already in use');
    }
    const options = Object.fromEntries(Object.entries(p.options ?? {}).map(([k, v]) => [k, String(v)]));
    const entry: AuditTableEntry = {
      path,
      type: p.type,
      description: p.description ?? '',
      options,
      local: !!p.local,
      uuid: uuid(),
      salt: randomBytes(32).toString('base64'),
    };
    const dev = await this.open(entry);
    const next = [...this.table, entry];
    try {
      await this.view().putJSON(TABLE_KEY, next);
    } catch (e) {
      await dev.sink.close();
      throw e;
    }
    this.table = next;
    this.live.set(path, dev);
  }

  async disable(rawPath: string): Promise<void> {
    const path = AuditManager.normalize(rawPath);
    const next = this.table.filter((e) => e.path !== path);
    if (next.length === this.table.length) return;
    await this.view().putJSON(TABLE_KEY, next);
    this.table = next;
    const d = this.live.get(path);
    this.live.delete(path);
    this.failures.delete(path);
    await d?.sink.close();
  }

  /** `sys/audit-hash`: the HMAC a device would write for `input`. */
  hash(rawPath: string, input: string): string {
    const e = this.get(rawPath);
    if (!e) throw userError(`unknown audit backend ${JSON.stringify(AuditManager.normalize(rawPath))}`);
    return hmacValue(Buffer.from(e.salt, 'base64'), input);
  }

  private async record(e: AuditEvent, raw: ReadonlyMap<string, string>): Promise<void> {
    if (this.live.size === 0) return;
    let ok = 0;
    const errors: string[] = [];
    await Promise.all(
      [...this.live.values()].map(async (d) => {
        try {
          await d.sink.write(formatEntry(e, raw, d.fmt));
          ok++;
          this.failures.delete(d.entry.path);
        } catch (err) {
          this.failures.set(d.entry.path, (err as Error).message);
          errors.push(`${d.entry.path}: ${(err as Error).message}`);
        }
      }),
    );
    if (ok === 0) {
      throw new VaultError(
        500,
        `audit log write failed: no enabled audit device could record the request (${errors.join('; ')}); fix the device or disable it`,
      );
    }
  }
}
