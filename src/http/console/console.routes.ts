import type { FastifyInstance, FastifyReply } from 'fastify';
import { loadConsoleAssets } from './console-assets.js';

/**
 * Only our own files, no inline code: a name or comment that slipped past the escaping still
 * could not run script. `connect-src 'self'` keeps the key from being sent anywhere else.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

function send(reply: FastifyReply, type: string, body: string) {
  return reply
    .header('content-type', type)
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-cache')
    .send(body);
}

/** The review console: public static files (no data in them); the API calls carry the key. */
export function consoleRoutes(assets = loadConsoleAssets()) {
  return async (app: FastifyInstance) => {
    const hidden = { schema: { hide: true } };
    const page = async (_request: unknown, reply: FastifyReply) => send(reply, 'text/html; charset=utf-8', assets.html);
    app.get('/console', hidden, page);
    app.get('/console/', hidden, page);
    app.get('/console/console.js', hidden, async (_request, reply) => send(reply, 'text/javascript; charset=utf-8', await assets.script()));
    app.get('/console/console.css', hidden, async (_request, reply) => send(reply, 'text/css; charset=utf-8', assets.css));
  };
}
