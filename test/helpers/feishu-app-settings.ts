// The Feishu test app's settings, apart from build-test-app.ts so that tests which spawn the
// service (spawned-service.ts) need not load the composed app to read them.
export const FEISHU_BASE = 'https://open.feishu.test';
export const FEISHU_TOKEN = 'vtoken_test';
export const FEISHU_KEY = 'test key';

/** The Feishu app settings of every test service: the test app, its token and key, the stand-in's base URL. */
export const FEISHU_ENV = {
  FEISHU_APP_ID: 'cli_test',
  FEISHU_APP_SECRET: 'app_secret_test',
  FEISHU_VERIFICATION_TOKEN: FEISHU_TOKEN,
  FEISHU_ENCRYPT_KEY: FEISHU_KEY,
  FEISHU_BASE_URL: FEISHU_BASE,
};
