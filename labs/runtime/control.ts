/**
 * The session's control channel: a line protocol on a loopback TCP port, so the
 * learner's shell (and `vault-lab clock …` run inside it) can talk to the lab session.
 *
 *   <key> cmd <exit code> <escaped command line>     a command ran (shell integration)
 *   <key> clock advance <duration>                   move the engine clock forward
 *   <key> clock now                                  print the engine time
 *
 * Each request line gets one reply line: `ok <text>` or `error <text>`. The key is
 * random per session and travels only in the shell's environment, so another local
 * user cannot steer the session. The channel carries no secrets.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { decodeReportedLine } from './shell-integration.js';

export interface ControlHandlers {
  command(line: string, exit: number): void;
  advanceClock(by: string): Promise<string>;
  now(): string;
}

export class ControlServer {
  readonly key = randomBytes(16).toString('hex');
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  address = '';

  constructor(private readonly handlers: ControlHandlers) {}

  async listen(): Promise<void> {
    this.server = net.createServer((sock) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
      let buf = '';
      sock.setEncoding('utf8');
      sock.on('error', () => undefined);
      sock.on('data', (d: string) => {
        buf += d;
        if (buf.length > 1 << 20) {
          sock.destroy();
          return;
        }
        let i;
        while ((i = buf.indexOf('\n')) !== -1) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          void this.handle(line).then((reply) => {
            if (!sock.destroyed) sock.write(reply + '\n');
          });
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    const a = this.server.address() as net.AddressInfo;
    this.address = `127.0.0.1:${a.port}`;
  }

  private async handle(line: string): Promise<string> {
    const sp = line.indexOf(' ');
    if (sp === -1 || line.slice(0, sp) !== this.key) return 'error not allowed';
    const rest = line.slice(sp + 1);
    const m = /^cmd (\d+) ([\s\S]*)$/.exec(rest);
    if (m) {
      this.handlers.command(decodeReportedLine(m[2]), Number(m[1]));
      return 'ok';
    }
    const words = rest.trim().split(/\s+/);
    if (words[0] === 'clock') {
      if (words[1] === 'now' || words.length === 1) return `ok ${this.handlers.now()}`;
      if (words[1] === 'advance' && words[2]) {
        try {
          return `ok ${await this.handlers.advanceClock(words[2])}`;
        } catch (e) {
          return `error ${(e as Error).message}`;
        }
      }
      return 'error usage: clock now | clock advance <duration>';
    }
    return `error unknown request "${words[0]}"`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    const closed = new Promise<void>((r) => this.server!.close(() => r()));
    // A connection left open (a hung client) must not keep the session from stopping.
    for (const s of this.sockets) s.destroy();
    await closed;
    this.server = undefined;
  }
}

/**
 * Sends one request over the control channel (used by `vault-lab clock`).
 * @throws Error with a sentence when the session is not reachable.
 */
export function controlRequest(address: string, key: string, request: string, timeoutMs = 10_000): Promise<string> {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(':')),
    Number(address.slice(address.lastIndexOf(':') + 1)),
  ];
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('the lab session did not answer in time'));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${key} ${request}\n`));
    sock.on('data', (d: string) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i === -1) return;
      clearTimeout(timer);
      sock.end();
      const reply = buf.slice(0, i);
      if (reply.startsWith('ok')) resolve(reply.slice(3));
      else reject(new Error(reply.replace(/^error /, '')));
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new Error(
          `cannot reach the lab session at ${address} (${(e as NodeJS.ErrnoException).code ?? e.message}); run this inside a lab shell`,
        ),
      );
    });
  });
}
