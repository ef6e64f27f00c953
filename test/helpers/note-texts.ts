// Realistic follow-up notes and customer names, from a seeded PRNG so that two runs send the same
// texts in the same order: the notes of `npm run bench:e2e` and the company names of the
// crash-recovery test (one generator for both).

/** mulberry32: small, fast, good enough to vary texts reproducibly. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}
export type Random = ReturnType<typeof createRandom>;

const CITIES = [
  '杭州',
  '上海',
  '北京',
  '深圳',
  '广州',
  '南京',
  '苏州',
  '成都',
  '武汉',
  '西安',
  '宁波',
  '厦门',
  '青岛',
  '天津',
  '重庆',
  '长沙',
  '合肥',
  '郑州',
  '无锡',
  '佛山',
  '东莞',
  '济南',
  '福州',
  '昆明',
  '大连',
  '沈阳',
  '温州',
  '嘉兴',
  '常州',
  '绍兴',
  '珠海',
  '中山',
  '惠州',
  '泉州',
  '烟台',
  '潍坊',
  '徐州',
  '扬州',
  '南通',
  '台州',
];
/** Two-character company name cores (云帆, 华信 …), all distinct. */
export const COMPANY_CORES = [
  '云帆',
  '华信',
  '星河',
  '蓝海',
  '博远',
  '鼎盛',
  '恒通',
  '金桥',
  '瑞丰',
  '长风',
  '银杉',
  '青松',
  '明德',
  '九章',
  '北辰',
  '远航',
  '新元',
  '嘉禾',
  '飞鸿',
  '万象',
  '宏图',
  '晨曦',
  '锦程',
  '海纳',
  '凌云',
  '泰和',
  '弘毅',
  '启明',
  '安信',
  '德邦',
  '顺达',
  '天宇',
  '正阳',
  '普惠',
  '融创',
  '同舟',
  '睿智',
  '卓越',
  '精工',
  '众诚',
  '恒达',
  '立信',
  '聚源',
  '盛世',
  '光华',
  '永信',
  '开元',
  '思源',
  '碧水',
  '红杉',
  '翠微',
  '紫金',
  '白鹭',
  '朗润',
  '鸿运',
  '智远',
  '百川',
  '千帆',
  '四海',
  '远景',
  '华美',
  '华腾',
  '金鼎',
  '天成',
  '润达',
  '中盛',
  '恒昌',
  '宏达',
  '佳禾',
  '瑞祥',
  '新锐',
  '东升',
  '荣泰',
  '盈科',
  '汇通',
  '德润',
  '康达',
  '安泰',
  '信诚',
  '鑫源',
];
const TRADES = ['科技', '物流', '医药', '建材', '食品', '电子', '化工', '贸易', '教育', '传媒', '软件', '机械', '能源', '环保', '服饰'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
const TITLES = ['总', '经理', '总监', '主任', '工'];
const DAYS = ['一', '二', '三', '四', '五'];

/**
 * Every name of the form 杭州云帆物流 (40 × 80 × 15 = 48,000), shuffled: a workspace seeds the first
 * `seeded`, and notes about new customers take the rest in order, so a "new" customer is new.
 */
export function createNamePool(seeded: number, random: Random) {
  const all: string[] = [];
  for (const city of CITIES) for (const core of COMPANY_CORES) for (const trade of TRADES) all.push(`${city}${core}${trade}`);
  if (seeded >= all.length) throw new RangeError(`at most ${all.length - 1} seeded customer names`);
  for (let i = all.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [all[i], all[j]] = [all[j] as string, all[i] as string];
  }
  let next = seeded;
  return {
    seeded: all.slice(0, seeded),
    /** A name nobody used yet in this workspace; after the pool runs out, names repeat (and are known). */
    fresh: () => all[next < all.length ? next++ : seeded + random.int(all.length - seeded)] as string,
  };
}

const TEMPLATES: ((c: string, who: string, r: Random) => string)[] = [
  (c, who, r) => `今天拜访了${c}${who},预算${10 + r.int(190)}万,下周${r.pick(DAYS)}上门演示`,
  (c, who, r) => `给${c}${who}打电话,报价${5 + r.int(95)}万已发,${1 + r.int(12)}月${1 + r.int(28)}号前回复`,
  (c, who, r) => `和${c}${who}开会,对方想要试用,${2 + r.int(6)}天后跟进`,
  (c, who, r) => `${c}${who}来电,合同在走流程,金额${20 + r.int(480)}万,下周${r.pick(DAYS)}再确认`,
  (c, who, r) => `拜访${c},${who}说预算${3 + r.int(60)}万,月底前给方案`,
  (c, who) => `${c}的${who}微信沟通,需要报价单,明天下午发过去`,
];

/** A follow-up note about `customer`, with a contact, an amount or a date. */
export function noteText(customer: string, random: Random): string {
  const who = `${random.pick(SURNAMES)}${random.pick(TITLES)}`;
  return random.pick(TEMPLATES)(customer, who, random);
}
