/**
 * Response wrapping: a response is stored in the cubbyhole of a fresh single-use token
 * (policy `response-wrapping`), and the client gets only that token. Unwrapping reads
 * the cubbyhole and revokes the token, so the payload can be seen exactly once.
 */
import { INVALID_WRAPPING_TOKEN, userError, VaultError } from '../sdk/errors.js';
import { rfc3339Nano, sha256hex } from '../sdk/ids.js';
import type { StorageView } from '../sdk/storage.js';
import type { TokenEntry } from '../sdk/types.js';
import type { TokenHelpers } from '../sdk/system-view.js';

/** What wrapping needs: token cubbyholes and single-use tokens. */
export interface WrappingHost {
  view(prefix: string): StorageView;
  tokens: Pick<TokenHelpers, 'create' | 'lookup' | 'revokeTree'>;
}

export const WRAPPING_POLICY = 'response-wrapping';

/**
 * The paths whose wrapping token Vault checks before the request's own token: a spent or
 * unknown wrapping token is a 400 there even when it is also the client token.
 */
export const WRAPPING_TOKEN_PATHS: ReadonlySet<string> = new Set([
  'sys/wrapping/lookup',
  'sys/wrapping/rewrap',
  'sys/wrapping/unwrap',
]);
export { INVALID_WRAPPING_TOKEN };

/** Kept next to the payload so lookup and rewrap need no other state. */
interface WrapInfoRecord {
  creation_ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
}

export interface WrapInfo {
  token: string;
  accessor: string;
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
}

export class ResponseWrapper {
  constructor(private readonly host: WrappingHost) {}

  /** The cubbyhole of a token, laid out as the cubbyhole backend reads it (`kv/<path>`). */
  private cubby(tokenId: string): StorageView {
    return this.host.view(`sys/cubbyhole/${sha256hex(tokenId)}/`);
  }

  /**
   * Wraps a finished response envelope.
   * @param body the envelope the client would otherwise have received
   * @param path the wrapped request's path (becomes `creation_path`)
   * @param requester the token that made the request (its display name is copied)
   * @param ttl the wrap TTL in seconds (> 0)
   * @param wrappedAccessor accessor of a token or secret-id created by the wrapped response
   * @returns the envelope to send instead: only `wrap_info` is filled
   */
  async wrap(
    body: Record<string, unknown>,
    path: string,
    requester: TokenEntry | undefined,
    ttl: number,
    wrappedAccessor?: string,
  ): Promise<Record<string, unknown>> {
    const info = await this.store(JSON.stringify(body), path, requester?.displayName ?? '', ttl, wrappedAccessor);
    return {
      request_id: '',
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: info,
      warnings: null,
      auth: null,
      mount_type: '',
    };
  }

  private async store(
    payload: string,
    path: string,
    displayName: string,
    ttl: number,
    wrappedAccessor?: string,
  ): Promise<WrapInfo> {
    const { entry } = await this.host.tokens.create({
      policies: [WRAPPING_POLICY],
      parent: '',
      path,
      displayName: displayName || 'token',
      ttl,
      explicitMaxTTL: ttl,
      numUses: 1,
      renewable: false,
      noDefaultPolicy: true,
    });
    const creationTime = rfc3339Nano(entry.issueMs ?? entry.creationTime * 1000);
    const rec: WrapInfoRecord = { creation_ttl: ttl, creation_time: creationTime, creation_path: path };
    if (wrappedAccessor) rec.wrapped_accessor = wrappedAccessor;
    const cubby = this.cubby(entry.id);
    await cubby.putJSON('kv/response', { response: payload });
    await cubby.putJSON('kv/wrapinfo', rec);
    const info: WrapInfo = {
      token: entry.id,
      accessor: entry.accessor,
      ttl,
      creation_time: creationTime,
      creation_path: path,
    };
    if (wrappedAccessor) info.wrapped_accessor = wrappedAccessor;
    return info;
  }

  /** A live wrapping token and its record, or a 400 with Vault's text. */
  private async validate(tokenId: string | undefined): Promise<{ entry: TokenEntry; rec: WrapInfoRecord }> {
    if (!tokenId) throw userError(INVALID_WRAPPING_TOKEN);
    const entry = await this.host.tokens.lookup(tokenId);
    if (entry?.policies.length !== 1 || entry.policies[0] !== WRAPPING_POLICY) throw userError(INVALID_WRAPPING_TOKEN);
    const rec = await this.cubby(entry.id).getJSON<WrapInfoRecord>('kv/wrapinfo');
    if (!rec) throw userError(INVALID_WRAPPING_TOKEN);
    return { entry, rec };
  }

  /**
   * Vault's check ahead of the token check on {@link WRAPPING_TOKEN_PATHS}: the body's
   * `token` when given, else the client token, must be a live wrapping token.
   * @throws 403 `error validating wrapping token: …` when there is no usable token at all,
   *   400 `wrapping token is not valid or does not exist` when it is not a live wrapping token
   */
  async checkRequestToken(clientToken: string | undefined, data: Record<string, unknown>): Promise<void> {
    const invalid = (why: string) => new VaultError(403, `error validating wrapping token: ${why}`);
    let token = clientToken;
    if (data.token !== undefined && data.token !== null) {
      if (typeof data.token !== 'string') throw invalid('could not decode token in request body');
      if (data.token === '') throw invalid('empty token in request body');
      token = data.token;
    }
    if (!token) throw invalid('token is empty');
    await this.validate(token);
  }

  /** `creation_path`, `creation_time`, `creation_ttl` without using the token. */
  async lookup(tokenId: string | undefined): Promise<Record<string, unknown>> {
    const { rec } = await this.validate(tokenId);
    return { creation_path: rec.creation_path, creation_time: rec.creation_time, creation_ttl: rec.creation_ttl };
  }

  /**
   * Returns the wrapped response body (verbatim) and revokes the wrapping token.
   * @param usedByRequest the token already spent its single use authenticating this request
   */
  async unwrap(tokenId: string | undefined, usedByRequest = false): Promise<Record<string, unknown>> {
    const { entry } = await this.validate(tokenId);
    const stored = await this.cubby(entry.id).getJSON<{ response: string }>('kv/response');
    if (!usedByRequest) await this.host.tokens.revokeTree(entry.id);
    if (!stored) throw userError(INVALID_WRAPPING_TOKEN);
    return JSON.parse(stored.response) as Record<string, unknown>;
  }

  /** Moves the payload to a new wrapping token with the same TTL and path; the old one dies. */
  async rewrap(tokenId: string | undefined, usedByRequest = false): Promise<WrapInfo> {
    const { entry, rec } = await this.validate(tokenId);
    const stored = await this.cubby(entry.id).getJSON<{ response: string }>('kv/response');
    if (!stored) throw userError(INVALID_WRAPPING_TOKEN);
    const info = await this.store(
      stored.response,
      rec.creation_path,
      entry.displayName,
      rec.creation_ttl,
      rec.wrapped_accessor,
    );
    if (!usedByRequest) await this.host.tokens.revokeTree(entry.id);
    return info;
  }
}
