import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../services/webhooks.service.js';

export const webhookBody = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .max(2000)
      .describe('Receives a signed POST for each event')
      .meta({ example: 'https://hr.example.com/hooks/redflag' }),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).describe('Events to receive'),
  })
  .meta({ id: 'WebhookRequest' });

export const webhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
  })
  .meta({ id: 'Webhook' });

export type WebhookView = z.infer<typeof webhookSchema>;

export const createdWebhookSchema = webhookSchema
  .extend({
    secret: z
      .string()
      .describe(
        'Shown only now. Each POST carries `X-Redflag-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`; compare in constant time and refuse old timestamps.',
      ),
  })
  .meta({ id: 'CreatedWebhook' });

export const webhookListSchema = z.object({ items: z.array(webhookSchema) }).meta({ id: 'WebhookList' });

export const deliveryPageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const deliverySchema = z
  .object({
    id: z.uuid().describe('Also sent as the X-Redflag-Delivery header: receivers use it to drop duplicates'),
    webhookId: z.uuid(),
    event: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable().describe('When the next attempt is due, while pending'),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    attemptLog: z.array(
      z.object({ at: z.string(), statusCode: z.number().int().optional(), error: z.string().optional(), ms: z.number().describe('Duration of the attempt') }),
    ),
    payload: z.record(z.string(), z.unknown()).describe('The JSON body sent'),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export type DeliveryView = z.infer<typeof deliverySchema>;

export const deliveryPageSchema = z
  .object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), items: z.array(deliverySchema) })
  .meta({ id: 'WebhookDeliveryPage' });
