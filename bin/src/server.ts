/**
 * `vault-lab server`: the engine alone, like `vault server`. With -dev, in memory and
 * unsealed (`vault server -dev`); with -config=<file>, a server that starts uninitialised
 * (first run) or sealed, keeps its data in the configured storage and stops cleanly on
 * SIGINT/SIGTERM without revoking leases — they are still there after the next unseal.
 */
import { ConfigError, loadServerConfig, startEngine, type Engine } from '../../engine/index.js';

// Its own small flag reader rather than the vault CLI's (cli/flags.ts): that one is stricter
// (-dev=false, a value-less -dev-root-token-id, flags after a positional argument), and the
// server's flags must keep behaving as they do.

function flag(args: string[], name: string): string | boolean | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i].replace(/^--?/, '');
    if (a === name) return args[i + 1] && !args[i + 1].startsWith('-') ? args[i + 1] : true;
    if (a.startsWith(name + '=')) return a.slice(name.length + 1);
  }
  return undefined;
}

const KNOWN = new Set([
  'config',
  'dev',
  'dev-root-token-id',
  'dev-listen-address',
  'dev-kv-v1',
  'dev-no-store-token',
  'log-level',
]);

export async function runServer(args: string[]): Promise<number> {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) continue;
    const name = a.replace(/^--?/, '').split('=')[0];
    if (!KNOWN.has(name)) {
      process.stderr.write(`flag provided but not defined: -${name}\n`);
      return 1;
    }
    if (!a.includes('=') && ['config', 'dev-root-token-id', 'dev-listen-address', 'log-level'].includes(name)) i++;
  }
  const config = flag(args, 'config');
  if (!flag(args, 'dev')) {
    if (typeof config === 'string')
      return runConfiguredServer(config, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    process.stderr.write(
      'vault-lab server: give a configuration file (-config=<file>) or start a dev server (-dev).\n',
    );
    return 1;
  }
  const tokenFlag = flag(args, 'dev-root-token-id');
  const rootTokenId = typeof tokenFlag === 'string' ? tokenFlag : process.env.VAULT_DEV_ROOT_TOKEN_ID || undefined;
  const listenFlag = flag(args, 'dev-listen-address');
  const listen = typeof listenFlag === 'string' ? listenFlag : process.env.VAULT_DEV_LISTEN_ADDRESS || '127.0.0.1:8200';
  let engine;
  try {
    engine = await startEngine({ dev: true, rootTokenId, listen, devKvV1: !!flag(args, 'dev-kv-v1') });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE')
      process.stderr.write(
        `Error initializing listener of type tcp: listen tcp ${listen}: bind: address already in use\n`,
      );
    else process.stderr.write(`Error starting the dev server: ${err.message}\n`);
    return 1;
  }
  const addr = engine.url;
  process.stdout.write(`==> Vault server configuration:

             Api Address: ${addr}
                     Cgo: disabled
         Cluster Address: ${addr.replace(/^http/, 'https').replace(/:(\d+)$/, (_, p) => `:${Number(p) + 1}`)}
              Listener 1: tcp (addr: "${addr.replace(/^http:\/\//, '')}", tls: "disabled")
               Log Level: info
                   Mlock: supported: false, enabled: false
                 Storage: inmem
                 Version: Vault v${engine.version} (vault-lab engine)

==> Vault server started! Log data will stream in below:

WARNING! dev mode is enabled! In this mode, Vault runs entirely in-memory
and starts unsealed. It is NOT for production: nothing you store survives a
restart.

You may need to set the following environment variables:

    $ export VAULT_ADDR='${addr}'

The root token is displayed below in case you want to re-authenticate.

Root Token: ${engine.rootToken}

Development mode should NOT be used in production installations!

`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`==> Vault shutdown triggered (${sig})\n`);
      void engine.stop().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on('SIGINT', () => stop('interrupt'));
    process.on('SIGTERM', () => stop('terminated'));
  });
}

export interface ServerIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** Starts the server described by a config file; resolves with the exit code once it stops. */
export async function runConfiguredServer(file: string, io: ServerIO): Promise<number> {
  let config;
  try {
    config = loadServerConfig(file);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr(`Error loading configuration from ${file}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  let engine: Engine;
  try {
    engine = await startEngine({
      storage: config.storage,
      seal: true,
      listen: config.address,
      defaultLeaseTTL: config.defaultLeaseTTL,
      maxLeaseTTL: config.maxLeaseTTL,
      // Vault's own log lines for the transitions an operator (or a lab check) looks for.
      onSealChange: (sealed) => {
        const at = new Date().toISOString();
        io.stdout(
          sealed
            ? `${at} [INFO]  core: marked as sealed\n${at} [INFO]  core: vault is sealed\n`
            : `${at} [INFO]  core: vault is unsealed\n`,
        );
      },
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE')
      io.stderr(
        `Error initializing listener of type tcp: listen tcp ${config.address}: bind: address already in use\n`,
      );
    else if (err.code === 'EACCES' || /^failed to create fsm/.test(err.message))
      io.stderr(`Error initializing storage of type ${config.storage.kind}: ${err.message}\n`);
    else io.stderr(`Error starting the server: ${err.message}\n`);
    return 1;
  }
  for (const w of config.warnings) io.stderr(`WARNING: ${w}\n`);
  const addr = engine.url;
  const hostPort = addr.replace(/^http:\/\//, '');
  const cluster = hostPort.replace(/:(\d+)$/, (_, p) => `:${Number(p) + 1}`);
  io.stdout(`==> Vault server configuration:

             Api Address: ${addr}
                     Cgo: disabled
         Cluster Address: https://${cluster}
              Listener 1: tcp (addr: "${hostPort}", cluster address: "${cluster}", tls: "disabled")
               Log Level: info
                   Mlock: supported: false, enabled: false
                 Storage: ${storageBanner(config.storage.kind)}
                 Version: Vault v${engine.version} (vault-lab engine)

==> Vault server started! Log data will stream in below:

`);
  // Asked through the engine's door (sys/init answers while sealed), as any client would.
  const initialized = (await engine.request({ operation: 'read', path: 'sys/init' })).body?.initialized === true;
  io.stdout(
    initialized
      ? 'The server is sealed: unseal it with `vault operator unseal` and enough unseal keys.\n'
      : 'The server is not initialised yet: run `vault operator init`.\n',
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      io.stdout(`==> Vault shutdown triggered (${sig})\n`);
      void engine.stop({ revokeLeases: false }).then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on('SIGINT', () => stop('interrupt'));
    process.on('SIGTERM', () => stop('terminated'));
    process.on('SIGHUP', () => stop('hangup'));
  });
}

function storageBanner(kind: string): string {
  return kind === 'raft' ? 'raft (HA available)' : kind === 'file' ? 'file' : 'inmem';
}
