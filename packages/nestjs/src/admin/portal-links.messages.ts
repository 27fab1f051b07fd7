/**
 * What a customer reads when a portal link or session is refused (401): plain words, saying what to do next. The
 * dashboard shows them as they are; nothing in them names the cause's internals.
 */
export const PORTAL_MESSAGES = {
  linkInvalid:
    'This link is not valid. Check that it was copied whole, or open the portal again from the app that gave it to you.',
  linkExpired: 'This link has expired. Open the portal again from the app that gave it to you, for a new link.',
  linkUsed:
    'This link was already used: each link opens the portal once. Open the portal again from the app that gave it to you.',
  linkRevoked: 'This link was withdrawn. Open the portal again from the app that gave it to you.',
  noSession: 'Open this portal from the app that gave you access to it: this page needs a link from there.',
  sessionInvalid: 'This session is not valid here. Open the portal again from the app that gave you access to it.',
  sessionExpired: 'Your session has ended. Open the portal again from the app that gave you access to it.',
  sessionRevoked: 'Your access was withdrawn. Open the portal again from the app that gave you access to it.',
} as const;
