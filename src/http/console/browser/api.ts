import type { Me, Problem } from './api-types.js';

const KEY_STORAGE = 'redflag.apiKey';

/** The session: the key the person signed in with (kept in this tab only) and who it belongs to. */
export const session: { apiKey: string | null; me: Me | null } = { apiKey: sessionStorage.getItem(KEY_STORAGE), me: null };

export function keepKey(key: string) {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY_STORAGE);
  session.apiKey = null;
  session.me = null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | null,
  ) {
    super(problem?.detail ?? `HTTP ${status}`);
  }
}

async function request(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${session.apiKey ?? ''}`, Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!response.ok) {
    let problem: Partial<Problem> | null = null;
    try {
      problem = (await response.json()) as Partial<Problem>;
    } catch {
      problem = null;
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

/** A JSON call; the caller names the response type, taken from api-types.ts. */
export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  return (await (await request(method, path, body)).json()) as T;
}

/** A file from the API (exports), as a Blob to save. */
export async function download(path: string, accept: string): Promise<Blob> {
  return (await request('GET', path, undefined, accept)).blob();
}

export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function problemText(error: unknown): string {
  if (!(error instanceof ApiError)) return `The request failed: ${error instanceof Error ? error.message : String(error)}`;
  if (error.status === 401) return 'The API key is not valid or has been revoked.';
  if (error.status === 403) return 'This API key lacks the role this page needs.';
  const problem = error.problem ?? {};
  const fields = (problem.errors ?? []).map((item) => `${item.field}: ${item.message}`).join('; ');
  const detail = problem.detail ?? '';
  return (detail || problem.title || `HTTP ${error.status}`) + (fields && !detail.includes(fields) ? ` (${fields})` : '');
}

/** Owners are compared as the server does: spacing and letter case aside. */
export function sameOwner(a: string | null | undefined, b: string | null | undefined): boolean {
  const normal = (owner: string) => owner.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  return Boolean(a) && Boolean(b) && normal(a!) === normal(b!);
}
