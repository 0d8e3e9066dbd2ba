import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy in front of PostgreSQL whose new connections can be held back (see {@link slowProxy}). */
export interface SlowProxy {
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  url(databaseUrl: string): string;
  /** How long each new connection waits before it is passed on; 0 passes it at once. */
  delayMs: number;
  /** Connections held back right now. */
  readonly held: number;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `host:port` that can delay every new connection, as a slow network or a
 * server busy authenticating would: the way to have a pool's new connection still being opened at
 * a chosen moment. Bytes pass through unchanged once a connection is through.
 */
export async function slowProxy(host: string, port: number): Promise<SlowProxy> {
  const sockets = new Set<Socket>();
  let held = 0;
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    client.pause();
    held++;
    setTimeout(() => {
      held--;
      if (client.destroyed) return;
      const upstream = connect(port, host);
      sockets.add(upstream);
      upstream.on('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    }, proxy.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as { port: number };
  const proxy: SlowProxy = {
    delayMs: 0,
    get held() {
      return held;
    },
    url(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(own);
      return url.toString();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
