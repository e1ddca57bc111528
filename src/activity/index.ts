// The account's activity log (what the connector did, with links to MoySklad objects).
export { recordActivity, listActivity, type ActivityEntry, type ActivityLink, type ActivityRow } from './activity-log.ts';
