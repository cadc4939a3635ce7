import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { findUnstorableText } from '../../shared/storable-text.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, or a 400 problem if it is not valid UTF-8 (never silently U+FFFD). */
export function decodeUtf8Body(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new AppError('invalid_encoding', 'The request body is not valid UTF-8');
  }
}

/**
 * Replaces Fastify's JSON parser with one that refuses invalid UTF-8 instead of silently
 * turning it into U+FFFD: a mangled name would be screened as a different name.
 */
export function registerJsonBodyParser(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // Only JSON is accepted; any other media type is 415 rather than a confusing validation error.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = decodeUtf8Body(body as Buffer);
    } catch (error) {
      done(error as AppError, undefined);
      return;
    }
    if (text.trim() === '') {
      done(new AppError('invalid_json', 'The request body is empty; send a JSON document'), undefined);
      return;
    }
    parseJson(request, text, (error, value) => {
      if (error) {
        done(new AppError('invalid_json', `The request body is not valid JSON: ${error.message}`), undefined);
        return;
      }
      // Both can only arrive as \u escapes, so bodies without any skip the walk.
      const unstorable = text.includes('\\u') ? findUnstorableText(value) : undefined;
      if (unstorable?.reason === 'surrogate') {
        done(new AppError('invalid_encoding', 'The request body has an unpaired UTF-16 surrogate escape; it is not valid Unicode', [{ field: unstorable.field, message: 'unpaired surrogate (\\uD800-\\uDFFF)' }]), undefined);
      } else if (unstorable) {
        done(new AppError('validation_failed', 'Text must not contain the NUL character (\\u0000)', [{ field: unstorable.field, message: 'contains NUL (\\u0000)' }]), undefined);
      } else {
        done(null, value);
      }
    });
  });
}
