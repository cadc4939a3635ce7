import { createRequire } from 'node:module';

/**
 * The two Han-character readers, loaded on first use: pinyin-pro's dictionaries and the hanja
 * table take tens of milliseconds to load, and most processes (and most names) never meet a
 * Han character. Loading is synchronous (require of the packages' CommonJS builds) because the
 * matching core is synchronous; it reads no data of its own and keeps no other state.
 */
const requireModule = createRequire(import.meta.url);

type PinyinFn = (text: string, options: { toneType: 'none'; type: 'array'; surname: 'head' | 'off'; nonZh: 'consecutive' }) => string[];

let pinyinFn: PinyinFn | undefined;
let hanjaTable: Readonly<Record<string, string>> | undefined;

/** pinyin-pro's `pinyin` (MIT; github.com/zh-lx/pinyin-pro). */
export function pinyinReader(): PinyinFn {
  pinyinFn ??= (requireModule('pinyin-pro') as { pinyin: PinyinFn }).pinyin;
  return pinyinFn;
}

/** The `hanja` package's character → Hangul reading table (MIT; github.com/rockpicado/hanja). */
export function hanjaReadingTable(): Readonly<Record<string, string>> {
  hanjaTable ??= requireModule('hanja/lib/data/hanjaeum.json') as Readonly<Record<string, string>>;
  return hanjaTable;
}
