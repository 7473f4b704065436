// This tab's session: the token (sessionStorage), the claims shown from it, the last sign-in step's
// assertion while it is fresh enough to confirm one change, and signing out.
import { go } from "./router.js";
import { $, KEYS, state, storageGet, storageSet } from "./state.js";
import { announce } from "./feedback.js";

/**
 * The API takes a sign-in's assertion for its lifetime, at most 5 minutes: the client uses it for
 * 30 s less (so 4.5 minutes at most), counted from when it came, which leaves room for a slow
 * request and does not depend on this computer's clock agreeing with the server's.
 */
const SIGN_IN_FRESH_MS = 270_000;
const SIGN_IN_MARGIN_MS = 30_000;

/** What each screen clears when the session ends, in the order main.js registered them. */
const onEnd = [];

/** A JWT's claims, read without checking anything (the API checks; the client only displays). */
function payloadOf(jwt) {
    const parts = jwt.split(".");
    if (parts.length !== 3) {
        return null;
    }
    try {
        const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
        const claims = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")));
        return claims && typeof claims === "object" ? claims : null;
    } catch {
        return null;
    }
}

export function claimsOf(jwt) {
    const claims = payloadOf(jwt);
    if (!claims) {
        return null;
    }
    return {
        sub: typeof claims.sub === "string" ? claims.sub : "",
        email: typeof claims.email === "string" ? claims.email : "",
    };
}

export function setSession(session) {
    state.session = session;
    storageSet(sessionStorage, KEYS.session, session ? JSON.stringify(session) : null);
}

export function loadSession() {
    try {
        const saved = JSON.parse(storageGet(sessionStorage, KEYS.session) || "null");
        if (saved && typeof saved.token === "string") {
            state.session = saved;
        }
        const signIn = JSON.parse(storageGet(sessionStorage, KEYS.signIn) || "null");
        if (signIn && typeof signIn.assertion === "string" && Number.isFinite(signIn.until)) {
            state.signIn = signIn;
        }
    } catch {
        state.session = null;
        state.signIn = null;
    }
}

/** {@code clear} runs when the session ends, after the ones registered before it. */
export function onSessionEnd(clear) {
    onEnd.push(clear);
}

export function endSession(reason) {
    setSession(null);
    forgetSignIn();
    for (const clear of onEnd) {
        clear();
    }
    state.status = null;
    go("signin");
    if (reason) {
        const note = $("signin-activation-note");
        note.textContent = reason;
        note.hidden = false;
        announce(reason);
    }
}

/** Keeps the assertion a sign-in step answered, with when it came, to confirm one change while fresh. */
export function rememberSignIn(assertion) {
    if (typeof assertion !== "string" || !state.session) {
        return;
    }
    const claims = payloadOf(assertion) || {};
    const lifetime = Number.isFinite(claims.exp) && Number.isFinite(claims.iat) ? (claims.exp - claims.iat) * 1000 : 0;
    const at = Date.now();
    const until = at + Math.min(SIGN_IN_FRESH_MS, lifetime - SIGN_IN_MARGIN_MS);
    state.signIn = { assertion, sub: state.session.sub, at, until };
    storageSet(sessionStorage, KEYS.signIn, JSON.stringify(state.signIn));
}

/** The assertion of this tab's last sign-in step while it is fresh, this user's and unused; else null. */
export function freshSignIn() {
    const signIn = state.signIn;
    const now = Date.now();
    if (signIn && signIn.sub === state.session?.sub && now >= signIn.at && now < signIn.until) {
        return signIn.assertion;
    }
    forgetSignIn();
    return null;
}

export function forgetSignIn() {
    state.signIn = null;
    storageSet(sessionStorage, KEYS.signIn, null);
}
