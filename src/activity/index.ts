// The account's activity log (what the connector did, with links to MoySklad objects).
export { recordActivity, activityInsert, activityValues, listActivity, type ActivityEntry, type ActivityLink, type ActivityRow } from './activity-log.ts';
