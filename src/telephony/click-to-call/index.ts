// Click-to-call: MoySklad → our Webhook URL → inbox → job → UIS start.employee_call.
export { clickToCallProcessor, CLICK_TO_CALL_SOURCE, CLICK_TO_CALL_JOB } from './click-to-call-processor.ts';
export { startClickToCall, clickToCallExternalId } from './start-call.ts';
export { ClickToCallRepository, clickToCallView, type ClickToCallView, type ClickToCallRow } from './click-to-call-repository.ts';
