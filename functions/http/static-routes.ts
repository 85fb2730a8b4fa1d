// The routes that serve fixed text: a page (the API reference, the console) and the files it
// loads, each named by the path and typed by its table (functions/http/docs.ts, ui/assets.ts).
import * as z from 'zod';
import type { RouteKey } from '../../infra/routes.ts';
import { routeHandler } from './route-handler.ts';

interface Served {
  summary: string;
  description: string;
  /** The Content-Security-Policy header, when the text is a page or runs in one with its own. */
  securityPolicy?: string;
}

/** A page of HTML. */
export const pageRoute = <K extends RouteKey>(key: K, page: string, served: Served) =>
  routeHandler(
    key,
    {
      summary: served.summary,
      query: z.object({}),
      response: { status: 200, body: z.string(), mediaTypes: ['text/html'], description: served.description },
    },
    () => ({
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        ...(served.securityPolicy ? { 'content-security-policy': served.securityPolicy } : {}),
      },
      body: page,
    }),
  );

/** One of a table's files, named by the path parameter `param`. */
export function fileRoute<K extends RouteKey, N extends string>(
  key: K,
  param: string,
  files: Readonly<Record<N, string>>,
  served: Served & { read: (name: N) => string | Promise<string> },
) {
  const names = Object.keys(files) as [N, ...N[]];
  return routeHandler(
    key,
    {
      summary: served.summary,
      path: z.object({ [param]: z.enum(names) }) as unknown as z.ZodType<Record<string, N>>,
      query: z.object({}),
      response: {
        status: 200,
        body: z.string(),
        mediaTypes: [...new Set(Object.values<string>(files).map((type) => type.split(';')[0] as string))],
        description: served.description,
      },
    },
    async ({ path }) => {
      const name = path[param] as N;
      return {
        status: 200,
        headers: {
          'content-type': files[name],
          ...(served.securityPolicy ? { 'content-security-policy': served.securityPolicy } : {}),
        },
        body: await served.read(name),
      };
    },
  );
}
