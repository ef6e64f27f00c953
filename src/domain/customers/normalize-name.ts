const LEGAL_SUFFIX = /(股份有限公司|有限责任公司|有限公司|公司|集团|inc|ltd|co|corp|llc|limited|group)$/;

/**
 * The key that makes two spellings of a customer one row: NFKC, lower case, no spaces or
 * punctuation, legal suffixes removed (`杭州云帆科技有限公司` = `杭州云帆科技`, `Acme Inc.` = `acme`).
 */
export function normalizeCustomerName(name: string): string {
  let s = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
  for (let previous = ''; previous !== s;) {
    previous = s;
    const stripped = s.replace(LEGAL_SUFFIX, '');
    if (stripped.length > 0) s = stripped;
  }
  return s.slice(0, 191);
}

/**
 * The name as written when it can name a customer, else null: a "name" of punctuation only
 * (`客户：。。。`) normalizes to '' and would make an unnamed row, so it counts as no name.
 */
export function usableCustomerName(name: string | null | undefined): string | null {
  return name && normalizeCustomerName(name) ? name : null;
}
