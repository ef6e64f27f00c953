import { PLATFORM_REF_RE } from '../lib/platform-name.js';
import type { Address } from './types.js';

/**
 * `<platform>:<id>` as people write addresses in the settings file and on the command line
 * (`feishu:ou_abc`, `wecom:zhangsan`, `feishu:oc_team`, `wecom:wrkGroup`); the field says whether
 * it names a person or a chat. Null when it is not of that form.
 */
export function parseAddressRef(ref: string, kind: Address['kind']): Address | null {
  const m = PLATFORM_REF_RE.exec(ref.trim());
  return m?.[1] && m[2] ? { platform: m[1], kind, id: m[2] } : null;
}
