// English strings of this module, loaded only when the console is in English (plugins/i18n.ts).
import type zhCN from './zh-CN';

const en: typeof zhCN = {
  outbox: {
    nav: 'Waiting to upload',
    title: 'Waiting to upload',
    intro: 'Visits recorded without a network are kept on this device (encrypted) and uploaded when the network returns; each is deleted here once the server has it.',
    badge: '{n} waiting to upload',
    refusedBadge: '{n} refused',
    offline: 'Offline',
    sending: 'Uploading…',
    sendNow: 'Upload now',
    empty: 'Nothing waits to upload',
    pending: 'Waiting',
    refused: 'Refused',
    attempts: 'tried {n} times',
    recordedAt: 'recorded {at}',
    refusedBecause: 'The server refused it: {message}',
    retry: 'Upload again',
    discard: 'Delete',
    discardConfirm: 'The visit to {name} will be deleted for good and never uploaded. Delete it?',
    discardTitle: 'Delete a waiting record',
    needsNetwork: 'No network now; it uploads by itself when the network returns',
    savedOffline: 'No network: the visit is kept on this device, encrypted, and uploads when the network returns',
    logoutPending: '{n} visits are not uploaded yet. They stay on this device, encrypted, and upload when you log in again; to delete them, use the Waiting to upload page. Log out?',
    logoutTitle: 'Records not uploaded',
    idleLoggedOut: 'You were logged out after a long time without use; the offline data on this device was deleted',
  },
};

export default en;
