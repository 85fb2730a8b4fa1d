// A real HTTP receiver on loopback for webhook tests: records every request, answers as told.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Answer = (request: Received, response: ServerResponse) => void;

export const ok: Answer = (_request, response) => {
  response.writeHead(204).end();
};

export async function startSink(host = '127.0.0.1') {
  const received: Received[] = [];
  let answer: Answer = ok;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const entry = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    received.push(entry);
    answer(entry, response);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path = '/hook', hostPart = host.includes(':') ? `[${host}]` : host) => `http://${hostPart}:${port}${path}`,
    received,
    answerWith(next: Answer) {
      answer = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Sink = Awaited<ReturnType<typeof startSink>>;
