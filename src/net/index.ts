// Outgoing HTTP shared by the MoySklad and UIS clients.
export { nodeHttpFetch, type FetchLike } from './node-http-fetch.ts';
