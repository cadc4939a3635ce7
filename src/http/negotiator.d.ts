// negotiator 1.x ships no types and @types/negotiator describes 0.6, without the `preferred`
// option that breaks ties between codings the client rates the same; only what is used here.
declare module 'negotiator' {
  export default class Negotiator {
    constructor(request: { headers: Record<string, string | string[] | undefined> });
    encoding(available: string[], options?: { preferred?: string[] }): string | undefined;
  }
}
