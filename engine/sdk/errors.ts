/**
 * Errors raised while handling a request.
 *
 * Vault has two styles of error text: backend error responses pass through verbatim,
 * core errors (ACL, routing, token use) are rendered as a Go multierror. `VaultError`
 * carries the status and the texts; `multi` selects the rendering.
 */
export class VaultError extends Error {
  readonly status: number;
  readonly errors: string[];
  readonly multi: boolean;
  /** Extra body to send with the error (KV v2 deleted-version 404s carry an envelope). */
  readonly body?: Record<string, unknown>;
  constructor(
    status: number,
    errors: string[] | string,
    opts: { multi?: boolean; body?: Record<string, unknown> } = {},
  ) {
    const list = Array.isArray(errors) ? errors : [errors];
    super(list.join('; ') || `status ${status}`);
    this.status = status;
    this.errors = list;
    this.multi = opts.multi ?? false;
    this.body = opts.body;
  }
  /** The strings placed in the `errors` array of the response body. */
  rendered(): string[] {
    if (!this.multi || this.errors.length === 0) return this.errors;
    return [multiError(this.errors)];
  }
}

/** Go's hashicorp/go-multierror rendering. */
export function multiError(msgs: string[]): string {
  const head = msgs.length === 1 ? '1 error occurred:' : `${msgs.length} errors occurred:`;
  return `${head}\n${msgs.map((m) => `\t* ${m}`).join('\n')}\n\n`;
}

/** The one answer for a wrapping token that is unknown, used or of the wrong kind. */
export const INVALID_WRAPPING_TOKEN = 'wrapping token is not valid or does not exist';

/** 400 with a backend's message, passed through verbatim. */
export const userError = (msg: string) => new VaultError(400, msg);
/** 403 permission denied as the core raises it. */
export const permissionDenied = () => new VaultError(403, 'permission denied', { multi: true });
/** 404 with an empty errors array: "nothing here". */
export const notFound = () => new VaultError(404, []);
export const unsupportedPath = () => new VaultError(404, 'unsupported path', { multi: true });
export const unsupportedOperation = () => new VaultError(405, 'unsupported operation', { multi: true });

/**
 * A field's value could not be converted to its declared type: a 400 with Vault's
 * "Field validation failed" wording, raised by `framework/fields.ts`.
 */
export class FieldError extends VaultError {
  constructor(message: string) {
    super(400, message);
  }
}

/**
 * The one place a thrown value becomes a Vault error. A backend's plain `Error` is a 500
 * in Vault: keep the message, never a stack. Statuses come from the error, never its text.
 */
export function toVaultError(e: unknown): VaultError {
  if (e instanceof VaultError) return e;
  return new VaultError(500, e instanceof Error ? e.message : String(e));
}
