import { foldAccents } from '../../identifiers/identifier.normalize.js';
import type { ScreeningSubject } from '../screening-subject.js';
import { hitOf, type Evaluator, type RuleOfKind } from '../evaluation-context.js';
import type { ValueField } from '../rule.schema.js';

function read(subject: ScreeningSubject, field: ValueField): { value: string | boolean; path: string } | undefined {
  const wrap = (value: string | boolean | undefined, path: string) => (value === undefined ? undefined : { value, path });
  switch (field) {
    case 'interview.videoCompleted':
    case 'interview.cameraOn':
    case 'interview.appearanceMatchesId':
    case 'interview.locationQuestionsAnswered':
    case 'interview.inPersonOrDrugTestAccepted':
    case 'interview.readingAnswersSuspected': {
      const fact = field.slice('interview.'.length) as keyof NonNullable<ScreeningSubject['interview']>;
      return wrap(subject.interview?.[fact], `/subject/interview/${fact}`);
    }
    case 'payment.crypto': {
      const payment = subject.payment;
      if (payment === undefined) return undefined;
      if ((payment.wallets?.length ?? 0) > 0) return { value: true, path: '/subject/payment/wallets' };
      return { value: payment.method === 'crypto', path: '/subject/payment/method' };
    }
    case 'payment.method':
      return wrap(subject.payment?.method, '/subject/payment/method');
    case 'payment.provider':
      return wrap(subject.payment?.provider, '/subject/payment/provider');
    case 'engagement.via':
      return wrap(subject.engagement?.via, '/subject/engagement/via');
    case 'engagement.vendorName':
      return wrap(subject.engagement?.vendorName, '/subject/engagement/vendorName');
    case 'preferredLanguage':
      return wrap(subject.preferredLanguage, '/subject/preferredLanguage');
  }
}

/** Letters and digits only, lower case: "WeChat Pay" contains "wechat". */
function squash(text: string): string {
  return foldAccents(text).replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * One fact of the profile equal to (or, for text, containing) one of the rule's values:
 * attested interview facts, payment method and provider, engagement channel. An absent fact
 * never fires: "not asked" is not "no".
 */
export const fieldValue: Evaluator<RuleOfKind<'field_value'>> = (subject, rule) => {
  const found = read(subject, rule.params.field);
  if (found === undefined) return [];
  const { equals, containsAny } = rule.params;
  let fires = false;
  if (equals !== undefined) fires = equals.includes(found.value);
  else if (containsAny !== undefined && typeof found.value === 'string') {
    const text = squash(found.value);
    fires = containsAny.some((term) => {
      const needle = squash(term);
      return needle.length > 0 && text.includes(needle);
    });
  }
  return fires ? [hitOf(rule, { points: rule.weight, field: found.path, value: String(found.value) })] : [];
};
