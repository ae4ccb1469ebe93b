/**
 * `vault-lab server -config=<file>`: a server that starts uninitialised (first run) or
 * sealed, keeps its data in the configured storage and stops cleanly on SIGINT/SIGTERM
 * without revoking leases — they are still there after the next unseal.
 */
import { startEngine, type Engine } from '../engine.js';
import { ConfigError, loadServerConfig } from './config.js';

export interface ServerIO { stdout: (s: string) => void; stderr: (s: string) => void }

/** Starts the server described by a config file; resolves with the exit code once it stops. */
export async function runConfiguredServer(file: string, io: ServerIO): Promise<number> {
  let config;
  try {
    config = loadServerConfig(file);
  } catch (e) {
    if (e instanceof ConfigError) { io.stderr(`Error loading configuration from ${file}: ${e.message}\n`); return 1; }
    throw e;
  }
  let engine: Engine;
  try {
    engine = await startEngine({ storage: config.storage, seal: true, listen: config.address, defaultLeaseTTL: config.defaultLeaseTTL, maxLeaseTTL: config.maxLeaseTTL });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') io.stderr(`Error initializing listener of type tcp: listen tcp ${config.address}: bind: address already in use\n`);
    else if (err.code === 'EACCES') io.stderr(`Error initializing storage of type file: ${err.message}\n`);
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
                 Storage: ${config.storage.kind === 'file' ? 'file' : 'inmem'}
                 Version: Vault v${engine.version} (vault-lab engine)

==> Vault server started! Log data will stream in below:

`);
  const initialized = (await engine.request({ operation: 'read', path: 'sys/init' })).body?.initialized === true;
  io.stdout(initialized
    ? 'The server is sealed: unseal it with `vault operator unseal` and enough unseal keys.\n'
    : 'The server is not initialised yet: run `vault operator init`.\n');
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      io.stdout(`==> Vault shutdown triggered (${sig})\n`);
      void engine.stop({ revokeLeases: false }).then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGINT', () => stop('interrupt'));
    process.on('SIGTERM', () => stop('terminated'));
    process.on('SIGHUP', () => stop('hangup'));
  });
}
