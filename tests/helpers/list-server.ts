import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for OFAC's, the UN's and OpenSanctions' download servers: serves list files
 * from memory, with ETags and 304s, and misbehaves on request (errors, HTML pages, a body cut
 * short, slowness). Tests never reach the internet.
 */
export type Misbehaviour =
  /** Answer this status (with a short body) the next `times` requests, then serve normally. */
  | { kind: 'status'; status: number; times: number }
  /** 200 with an HTML error page, as a proxy or CDN sends. */
  | { kind: 'html' }
  /** Announce the whole length, send `bytes` of it, and drop the connection. */
  | { kind: 'cut'; bytes: number }
  /** Wait before answering. */
  | { kind: 'slow'; ms: number };

interface Served {
  body: Buffer;
  /** Send an ETag and honour If-None-Match (default true). */
  etag: boolean;
  misbehaviour?: Misbehaviour;
}

export interface ListServer {
  url(path: string): string;
  serve(path: string, body: Buffer | string, options?: { etag?: boolean }): void;
  misbehave(path: string, misbehaviour: Misbehaviour | undefined): void;
  /** Every request seen, oldest first. */
  requests: { path: string; headers: IncomingHttpHeaders; status: number }[];
  close(): Promise<void>;
}

const etagOf = (body: Buffer) => `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
const HTML = '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>Try again later</body></html>';

export async function startListServer(): Promise<ListServer> {
  const files = new Map<string, Served>();
  const requests: ListServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const served = files.get(path);
    const record = (status: number) => requests.push({ path, headers: request.headers, status });
    if (!served) {
      record(404);
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const answer = () => {
      const misbehaviour = served.misbehaviour;
      if (misbehaviour?.kind === 'status') {
        misbehaviour.times -= 1;
        if (misbehaviour.times <= 0) served.misbehaviour = undefined;
        record(misbehaviour.status);
        response.writeHead(misbehaviour.status, { 'content-type': 'text/plain' }).end(`status ${misbehaviour.status}`);
        return;
      }
      if (misbehaviour?.kind === 'html') {
        record(200);
        response.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
        return;
      }
      const etag = etagOf(served.body);
      if (served.etag && request.headers['if-none-match'] === etag) {
        record(304);
        response.writeHead(304, { etag }).end();
        return;
      }
      const headers = { 'content-type': 'application/octet-stream', 'content-length': String(served.body.length), ...(served.etag ? { etag } : {}) };
      if (misbehaviour?.kind === 'cut') {
        record(200);
        response.writeHead(200, headers);
        response.write(served.body.subarray(0, misbehaviour.bytes), () => response.socket?.destroy());
        return;
      }
      record(200);
      response.writeHead(200, headers).end(served.body);
    };
    const misbehaviour = served.misbehaviour;
    if (misbehaviour?.kind === 'slow') setTimeout(answer, misbehaviour.ms);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    serve(path, body, options = {}) {
      files.set(path, { body: Buffer.isBuffer(body) ? body : Buffer.from(body), etag: options.etag ?? true });
    },
    misbehave(path, misbehaviour) {
      const served = files.get(path);
      if (!served) throw new Error(`nothing served at ${path}`);
      served.misbehaviour = misbehaviour ? { ...misbehaviour } : undefined;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
