export { createFeishuClient, type FeishuClient } from './client.js';
export { feishuWebhook } from './webhook.js';
export { createFeishuEventDispatcher, startFeishuWebSocket } from './websocket.js';
export { renderFeishuCard, renderFeishuMessage } from './render.js';
