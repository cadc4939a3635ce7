/**
 * Catalogue indicators no rule over a pre-hire profile can check, and why. Together with the
 * indicator ids cited by `DEFAULT_RULES` this covers the whole catalogue (a test checks it), so
 * a gap is always a decision written down, never an oversight.
 */

const TELEMETRY = 'Needs device, network or endpoint telemetry, which a profile does not carry';
const DOCUMENT_FORENSICS = 'Needs forensic examination of a document or image, not profile data';
const POST_HIRE = 'Happens after hiring (work, payments, conduct); a pre-hire screening cannot see it';
const CONVERSATION = 'Rests on conversations or channel events a recruiter observes; the profile has no field for it';
const RATE = 'Needs quoted rates, bids or ratings compared with a market benchmark; the profile has none';

export const UNCHECKABLE_INDICATORS: Readonly<Record<string, string>> = {
  'US22-RDP-PORT': TELEMETRY,
  'US22-TEMPLATE-REUSE': 'Needs proposal and cover-letter texts across applicants (text similarity); the profile carries no free text',
  'US22-BID-RATIO': 'Needs platform bidding volume and acceptance, which only the freelance platform has',
  'US22-SIMPLE-PORTFOLIO': 'Needs inspection of the portfolio site (domain age, WHOIS, content), an external lookup',
  'US22-CSUITE-COLDCALL': CONVERSATION,
  'US22-OFFPLATFORM': CONVERSATION,
  'US22-PAY-NO-BENCHMARK': POST_HIRE,
  'US22-NONDELIVERY': POST_HIRE,
  'US22-UNREACHABLE': POST_HIRE,
  'US22-BORROW-PII': 'Comes from an incident report by co-workers, after hiring',
  'US22-FORGED-DOCS': DOCUMENT_FORENSICS,
  'US22-FAKE-DOCS-KYC': DOCUMENT_FORENSICS,
  'US22-REFERRAL-CHAIN': 'Needs the referral graph (who referred whom); the profile has no referral field yet',
  'US22-SMALL-THEFT': POST_HIRE,
  'ROK22-ID-PHOTO-SWAP': DOCUMENT_FORENSICS,
  'ROK22-PHONE-VERIF-PROXY': 'Needs the phone line type and carrier (VoIP, SMS-service ranges), an external lookup',
  'ROK22-COLLAB-SPLIT': 'Concerns who actually performs the work, known only after hiring or from conversations',
  'ROK22-LOW-PRICE': RATE,
  'ROK22-NONWORK-VISA': 'Needs the visa class of work-authorisation documents; the profile records document type, not class',
  'USROK23-PREPAY-AGGRESSION': CONVERSATION,
  'JP24-LANG-UNNATURAL': 'Judges the quality of written Japanese in conversations; no attested fact records it',
  'JP24-OFFPLATFORM': CONVERSATION,
  'JP24-LOW-RATE': RATE,
  'FBI25-AI-FACESWAP': 'Needs a liveness or deepfake-detection result; the attestations record only whether appearance matched the ID',
  'FBI25-SWAP-AFTER-INTERVIEW': 'Needs faces from the interview compared with later meetings (stored frames), after hiring',
  'FBI25-DOC-ERRORS': DOCUMENT_FORENSICS,
  'FBI25-RESUME-TYPOS': 'Needs the resume text, which the profile does not carry',
  'FBI25-CODE-EXFIL': POST_HIRE,
  'FBI25-MULTI-AV-FEED': TELEMETRY,
  'DOJ-REMOTE-TOOLS': TELEMETRY,
  'DOJ-FAKE-TN-VISA': DOCUMENT_FORENSICS,
  'DOJ-FOREIGN-PAY-TO-FACILITATOR': "Concerns payments a facilitator receives from abroad, not the applicant's profile",
  'DOJ-REFERRAL': 'Needs the referral graph (who referred whom); the profile has no referral field yet',
  'DE24-MALWARE-ON-RECEIPT': TELEMETRY,
  'DE24-HIGH-RATING-LOW-PAY': RATE,
  'DE24-PREPAY-THREAT': CONVERSATION,
};
