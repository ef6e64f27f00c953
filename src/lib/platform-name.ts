/**
 * A platform's name (`feishu`, `wecom`, `console`, …) as stored in 32-character columns, and a
 * platform id in 191-character keys: the one rule for settings, env, stored events and addresses.
 */
export const PLATFORM_NAME = '[a-z][a-z0-9_-]{0,31}';
/** `^feishu$` */
export const PLATFORM_NAME_RE = new RegExp(`^${PLATFORM_NAME}$`);
/** `<platform>:<id>` (`feishu:ou_abc`, `wecom:zhangsan`): groups 1 and 2 are the platform and the id. */
export const PLATFORM_REF_RE = new RegExp(`^(${PLATFORM_NAME}):([^\\s:]{1,191})$`);
