// Outgoing HTTP shared by the MoySklad and UIS clients.
export { nodeHttpFetch, type FetchLike, type HttpAnswer, type HttpHeaders } from './node-http-fetch.ts';
