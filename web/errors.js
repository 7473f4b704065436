// Error sentences: one clear sentence for each failed call, said where it belongs (the problem's
// field, else the form's code field, else a message element); a lost session goes to sign-in.
import { apiBase } from "./api.js";
import { announce, fieldError, inWords, isShown, messageAt } from "./feedback.js";
import { endSession } from "./session.js";
import { CONFIG, state } from "./state.js";

/** Whom a locked-out user contacts: config.js's supportContact, else the service's support team. */
export function supportContact() {
    const contact = typeof CONFIG.supportContact === "string" ? CONFIG.supportContact.trim() : "";
    return contact ? `support (${contact})` : "your service's support team";
}

/** What the lock after 100 wrong codes in a row means, and whom to contact. */
export function lockedText() {
    return "Two-factor authentication on this account is locked after 100 wrong codes in a row, to protect it: "
        + "until support unlocks it, no code, recovery code or text message signs you in or changes a setting. "
        + `Contact ${supportContact()}: they check it is you, then turn two-factor authentication off so you can `
        + "sign in and set it up again. If the wrong codes were not yours, someone knows your password: change it.";
}

/**
 * What the next wrong codes lead to, from the figures a counted invalid-code carries
 * (attemptsBeforeWait, attemptsBeforeLock: the next wrong code included), or "" without them.
 */
export function attemptsNote(error) {
    const wait = error.problem.attemptsBeforeWait;
    const lock = error.problem.attemptsBeforeLock;
    if (!Number.isInteger(wait) || !Number.isInteger(lock)) {
        return "";
    }
    if (lock <= 0) {
        return lockedText();
    }
    if (lock === 1) {
        return "One more wrong code locks two-factor authentication until support unlocks it.";
    }
    if (lock <= 5) {
        return `After ${lock} more wrong codes, two-factor authentication locks until support unlocks it.`;
    }
    if (wait === 1) {
        return "One more wrong code and you will have to wait before you can try again.";
    }
    if (wait === 0) {
        return "You now have to wait before you can try again, and each further wrong code makes the wait longer.";
    }
    return `After ${wait} more wrong codes in a row you will have to wait before you can try again.`;
}

/** The words of a wait after wrong codes, the same in the sign-in step and in Confirm it's you. */
export function waitText(words) {
    return `Too many wrong codes in a row. You can try again ${words}. Each further wrong code makes the next `
        + "wait longer; after 100 in a row, two-factor authentication is locked until support unlocks it.";
}

export const WAIT_OVER_TEXT = "You can try again now. Each further wrong code makes the next wait longer.";

/** True when a counted invalid-code says a wait has started with it (the client then counts it down). */
export function waitStarted(error) {
    return error.type === "invalid-code" && error.problem.attemptsBeforeWait === 0
        && error.problem.attemptsBeforeLock > 0;
}

/** One clear sentence for a failed call; {@code context} says what the user was doing. */
export function sentence(error, context) {
    const wait = error.retryAfter;
    const detail = typeof error.problem.detail === "string" ? error.problem.detail : "";
    switch (error.type) {
        case "invalid-code": {
            let text = "That code is not valid. Enter the current code from your authenticator app; each code works once.";
            if (context === "webauthn") {
                const note = attemptsNote(error);
                const text = "That security key or passkey was not accepted. Try again with a key you added, or use another way.";
                return note ? `${text} ${note}` : text;
            }
            if (context === "recovery") {
                text = "That recovery code is not valid or was already used. Check it and try again.";
            } else if (context === "sms") {
                text = "That code is not valid. Use the code from the latest text message; each code works once.";
            }
            const note = attemptsNote(error);
            return note ? `${text} ${note}` : text;
        }
        case "invalid-activation-link":
            return "This activation link is not valid any more: it works once and expires after 15 minutes. "
                + "Go back to Security settings and ask for a new link.";
        case "too-many-attempts":
            return context === "sms-send"
                ? `You can ask for a new code ${inWords(wait)}.`
                : `Too many attempts. Try again ${inWords(wait)}.`;
        case "factor-locked":
            return lockedText();
        case "step-up-required":
            return "Confirm it's you first: this change needs a code from your authenticator app, a recovery code "
                + "or a sign-in of the last few minutes.";
        case "email-not-verified":
            return state.session?.email
                ? "We send the setup link only to a verified email address, and your sign-in provider has not "
                    + `verified ${state.session.email}. Verify it with them, sign in again, then choose Set up authenticator app.`
                : "We send the setup link only to a verified email address, and your sign-in did not include one. "
                    + "Add and verify an email address with your sign-in provider, sign in again, then choose "
                    + "Set up authenticator app.";
        case "dependency-unavailable":
            return `The service is busy right now. Try again ${inWords(wait)}.`;
        case "dependency-failed":
            return "A service behind the API refused the request. Try again later, or contact support if it goes on.";
        case "unauthenticated":
            return "Your session has ended. Sign in again.";
        case "wrong-state":
            if (context === "regenerate") {
                return "The authenticator app is off, so there are no recovery codes to replace.";
            }
            if (detail) {
                return detail;
            }
            break;
        case "invalid-request":
        case "invalid-phone-number":
        case "sms-opted-out":
        case "sms-rejected":
            if (detail) {
                return detail;
            }
            break;
        default:
            break;
    }
    if (error.status === 0) {
        return `Cannot reach the API at ${apiBase() || location.origin}. Check your connection, or the API base URL under Connection.`;
    }
    if (error.status === 401) {
        return "Your session has ended. Sign in again.";
    }
    if (error.status === 404) {
        return "The API has no such endpoint (404). Check the API base URL under Connection.";
    }
    if (error.status === 429) {
        return `Too many requests. Try again ${inWords(wait)}.`;
    }
    if (error.status === 503) {
        return `The service is busy right now. Try again ${inWords(wait)}.`;
    }
    if (error.status >= 500) {
        return "Something went wrong on our side. Try again in a moment.";
    }
    return `The request was refused (HTTP ${error.status}).`;
}

/**
 * Shows a failed call's sentence next to the field it concerns: the problem's {@code field}, else
 * the form's main input for code problems, else {@code fallback}. A lost session goes to sign-in.
 */
export function showError(scope, error, context, fallback) {
    if (error.status === 401 || error.type === "unauthenticated") {
        endSession(sentence(error, context));
        return;
    }
    const text = sentence(error, context);
    const inputs = [...scope.querySelectorAll("[data-api-field]")].filter(isShown);
    let input = error.field ? inputs.find((i) => i.dataset.apiField.split(" ").includes(error.field)) : null;
    if (!input && fallback === undefined) {
        input = [...scope.querySelectorAll("[data-primary]")].find(isShown) || null;
    }
    if (input) {
        fieldError(input, text);
    } else if (fallback) {
        messageAt(fallback, text);
    } else {
        announce(text);
    }
}
