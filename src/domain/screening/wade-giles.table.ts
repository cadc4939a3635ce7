/**
 * Wade–Giles and Hanyu Pinyin, as data: the Mandarin syllable inventory in pinyin and the
 * correspondences that spell each pinyin syllable in Wade–Giles, so that "Mao Tse-tung" meets
 * "Mao Zedong" and "Hsi Chin-ping" meets "Xi Jinping".
 *
 * Sources:
 * - the syllable inventory: every reading pinyin-pro (MIT) gives the characters U+4E00–U+9FFF,
 *   without tones, ü written v (the interjections hm, hng, m, n, ng left out); it is the
 *   inventory of ISO 7098 / GB/T 16159 Hanyu Pinyin;
 * - the correspondences: Library of Congress, "Pinyin Conversion Project: romanization
 *   comparison (Wade-Giles to pinyin table)", loc.gov/catdir/pinyin, and the comparison chart in
 *   the Wikipedia article "Wade–Giles".
 *
 * Written as the normaliser leaves words: no apostrophes (ch'ih = chih), no diacritics (ê = e,
 * ü = u), so aspirated and plain initials share one spelling (p'ing and ping are both "ping":
 * Jinping's 平 and Beijing's 北 bei, WG pei, can no longer be told apart by the aspiration mark).
 */

/** Mandarin syllables in pinyin (v = ü). */
export const PINYIN_SYLLABLES: readonly string[] = (
  'a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang ' +
  'cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan ' +
  'chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di ' +
  'dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng ' +
  'fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha ' +
  'hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang ' +
  'jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua ' +
  'kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling ' +
  'liu lo long lou lu luan lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ' +
  'ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong ' +
  'nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou ' +
  'pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri ' +
  'rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she ' +
  'shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun ' +
  'suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai ' +
  'wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya ' +
  'yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha ' +
  'zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun ' +
  'zhuo zi zong zou zu zuan zui zun zuo ' +
  ''
).trim().split(' ');

/** Pinyin initial → Wade–Giles initial (apostrophes dropped: q and j both "ch", c and z both "ts"). */
export const WADE_GILES_INITIALS: Readonly<Record<string, string>> = {
  b: 'p', p: 'p', d: 't', t: 't', g: 'k', k: 'k', j: 'ch', q: 'ch', x: 'hs', zh: 'ch', ch: 'ch',
  r: 'j', z: 'ts', c: 'ts', s: 's', sh: 'sh', m: 'm', f: 'f', n: 'n', l: 'l', h: 'h', y: 'y', w: 'w',
};

/** Pinyin final → Wade–Giles final (after any initial; finals not listed are spelt alike). */
export const WADE_GILES_FINALS: Readonly<Record<string, string>> = {
  ong: 'ung', iong: 'iung', ie: 'ieh', ian: 'ien', ve: 'ueh', ue: 'ueh', v: 'u', van: 'uan', vn: 'un',
};

/**
 * Whole syllables spelt otherwise: the apical vowels (zhi chih, zi tzu, si ssu), e read o after
 * g, k, h and alone, uo written o after most initials, ui written uei after g and k, and the
 * y- syllables (yan yen, you yu, yi i).
 */
export const WADE_GILES_SYLLABLES: Readonly<Record<string, string>> = {
  zhi: 'chih', chi: 'chih', shi: 'shih', ri: 'jih', zi: 'tzu', ci: 'tzu', si: 'ssu', er: 'erh', e: 'o',
  ge: 'ko', ke: 'ko', he: 'ho', yi: 'i', you: 'yu', ye: 'yeh', yan: 'yen', yong: 'yung', yue: 'yueh',
  duo: 'to', tuo: 'to', nuo: 'no', luo: 'lo', zhuo: 'cho', chuo: 'cho', ruo: 'jo', zuo: 'tso', cuo: 'tso',
  suo: 'so', gui: 'kuei', kui: 'kuei', ju: 'chu', qu: 'chu', xu: 'hsu', jue: 'chueh', que: 'chueh',
  xue: 'hsueh', juan: 'chuan', quan: 'chuan', xuan: 'hsuan', jun: 'chun', qun: 'chun', xun: 'hsun',
};
