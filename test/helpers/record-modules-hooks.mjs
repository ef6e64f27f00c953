// The loader hook of record-modules.mjs (runs on Node's hooks thread): reports each module's URL.
let port;
export function initialize(data) {
  port = data.port;
}
export async function load(url, context, next) {
  port.postMessage(url);
  return next(url, context);
}
