import { z } from 'zod';

/** `metadata.limits` as UIS returns it with every response (points-based quotas). */
export const uisLimitsSchema = z.looseObject({
  day_limit: z.number().nullable().optional(),
  day_remaining: z.number().nullable().optional(),
  day_reset: z.number().nullable().optional(),
  minute_limit: z.number().nullable().optional(),
  minute_remaining: z.number().nullable().optional(),
  minute_reset: z.number().nullable().optional(),
});

export interface UisLimits {
  dayLimit: number | null;
  dayRemaining: number | null;
  /** Seconds until the day quota resets. */
  dayReset: number | null;
  minuteLimit: number | null;
  minuteRemaining: number | null;
  /** Seconds until the minute quota resets. */
  minuteReset: number | null;
}

export function toUisLimits(raw: z.infer<typeof uisLimitsSchema> | null | undefined): UisLimits | null {
  if (!raw) return null;
  return {
    dayLimit: raw.day_limit ?? null,
    dayRemaining: raw.day_remaining ?? null,
    dayReset: raw.day_reset ?? null,
    minuteLimit: raw.minute_limit ?? null,
    minuteRemaining: raw.minute_remaining ?? null,
    minuteReset: raw.minute_reset ?? null,
  };
}

export const uisApiVersionSchema = z.looseObject({
  current_version_deprecated: z.boolean().optional(),
  current_version: z.string().optional(),
  latest_version: z.string().optional(),
});
