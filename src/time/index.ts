export { wallClock, zonedToUtc, formatWallClock, type WallClock } from './zoned.ts';
