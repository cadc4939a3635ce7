import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { preparedOnChange, sendStaticBody } from '../static-body.js';
import { loadConsoleAssets } from './console-assets.js';

/**
 * Only our own files, no inline code: a name or comment that slipped past the escaping still
 * could not run script. `connect-src 'self'` keeps the key from being sent anywhere else.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The console's files: compressed and tagged once per content (see static-body.ts), with the page's security headers. */
function sender(contentType: string) {
  const prepared = preparedOnChange();
  return (request: FastifyRequest, reply: FastifyReply, body: string) => {
    reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    return sendStaticBody(request, reply, prepared(body), { contentType, cacheControl: 'no-cache' });
  };
}

/** The review console: public static files (no data in them); the API calls carry the key. */
export function consoleRoutes(assets = loadConsoleAssets()) {
  return async (app: FastifyInstance) => {
    const hidden = { schema: { hide: true } };
    const sendHtml = sender('text/html; charset=utf-8');
    const sendScript = sender('text/javascript; charset=utf-8');
    const sendCss = sender('text/css; charset=utf-8');
    const page = async (request: FastifyRequest, reply: FastifyReply) => sendHtml(request, reply, assets.html);
    app.get('/console', hidden, page);
    app.get('/console/', hidden, page);
    app.get('/console/console.js', hidden, async (request, reply) => sendScript(request, reply, await assets.script()));
    app.get('/console/console.css', hidden, async (request, reply) => sendCss(request, reply, assets.css));
  };
}
