// English strings of this module, loaded only when the console is in English (plugins/i18n.ts).
import type zhCN from './zh-CN';

const en: typeof zhCN = {
  visitChecks: {
    nav: 'Visit checks',
    title: 'Visit checks',
    intro: 'Visits the system flagged: home visits located more than {distance} from the reference location, entered more than {hours} hours after the visit, or home visits under {minutes} minutes. Check each; view signatures and photo when needed (every view is audited).',
    filter: 'Flag',
    allFlags: 'All flags',
    flag: {
      FAR_FROM_REFERENCE: 'Far away',
      LATE_ENTRY: 'Entered late',
      SHORT_DURATION: 'Too short',
    },
    words: {
      FAR_FROM_REFERENCE: '{distance} from the reference location',
      LATE_ENTRY: 'entered {delay} after the visit',
      SHORT_DURATION: '{minutes} minutes, under {min}',
    },
    unit: { km: '{n} km', m: '{n} m', days: '{n} days', hours: '{n} hours' },
    elder: 'Elder',
    village: 'Village',
    visitor: 'Visitor',
    visitedAt: 'Visited',
    method: 'Method',
    flags: 'Flags',
    proof: 'Signatures and photo',
    actions: 'Actions',
    empty: 'No visits to check',
    viewProof: 'View signatures and photo',
    setReference: 'Set reference location',
    noProof: 'None captured',
    proofSummary: { visitor: 'Visitor signed', elder: 'Elder side signed', photo: 'Photo', unable: 'Not signed: {reason}' },
    dialog: {
      title: 'Signatures and photo',
      audited: 'This view has been recorded in the audit log.',
      visitorSignature: 'Visitor’s signature',
      elderSignature: 'Visited side’s signature',
      signer: 'Signed by: {who}',
      unable: 'Could not sign: {reason}',
      photo: 'Photo',
      none: 'None',
      close: 'Close',
    },
    signer: { ELDER: 'the elder', FAMILY_MEMBER: 'a family member', OTHER: 'someone else' },
    reference: {
      title: 'Set reference location',
      current: 'Current reference: {lat}, {lng} ({source}, {at})',
      none: 'No reference yet: the first home visit with a location sets it.',
      source: { FIRST_HOME_VISIT: 'first home visit', SET_BY_TOWN: 'set by the town' },
      latitude: 'Latitude',
      longitude: 'Longitude',
      hint: 'Every home visit of this elder with a location is measured again from the new reference.',
      save: 'Save',
      cancel: 'Cancel',
      saved: 'Reference location set; {n} visits re-checked',
      invalid: 'Enter a valid latitude (-90 to 90) and longitude (-180 to 180)',
    },
  },
};

export default en;
