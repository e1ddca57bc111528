// Random bearer values (session cookies, API tokens, hook secrets) and their stored digests.
import { createHash, randomBytes } from 'node:crypto';

/** 256 bits, URL-safe. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export const digest = (value: string) => createHash('sha256').update(value).digest('hex');
