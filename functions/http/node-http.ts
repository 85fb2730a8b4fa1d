// Bundled in place of node:http (infra/bundling.ts). An ES module import of a built-in makes
// Node build its export facade, and node:http's WebSocket/CloseEvent/MessageEvent getters then
// load undici: ~20 ms of every cold start. getBuiltinModule returns the module without a facade.
// Only the names the bundled code imports are exported: esbuild refuses a bundle that imports another.
const http = process.getBuiltinModule('node:http');

export default http;
export const { STATUS_CODES, request } = http;
