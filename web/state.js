// What the client's modules share: the settings from config.js, this tab's state, and the
// browser's storage (which private mode may refuse).

/** config.js, a classic script that runs before any module, sets window.TWOFA_CONFIG. */
export const CONFIG = window.TWOFA_CONFIG || {};

export const KEYS = {
    session: "twofa.session",
    apiBaseUrl: "twofa.apiBaseUrl",
    signInState: "twofa.signInState",
    signIn: "twofa.signIn",
};

/** What more than one screen reads; each screen keeps the rest of its state to itself. */
export const state = {
    session: null, // { token, sub, email, source: "dev" | "token" }
    dev: false, // the local run's /dev endpoints answer
    status: null, // the last GET /2fa/status
    activationToken: null, // from the link's fragment, kept in memory only, until spent
    signInLinkRefused: false, // a sign-in link's token was ignored: say so on the sign-in screen
    signIn: null, // { assertion, sub, at, until }: this tab's last sign-in step, to confirm one change while fresh
};

export const $ = (id) => document.getElementById(id);

export function productName() {
    return CONFIG.productName || "TwoFA";
}

export function storageGet(storage, key) {
    try {
        return storage.getItem(key);
    } catch {
        return null;
    }
}

export function storageSet(storage, key, value) {
    try {
        if (value === null) {
            storage.removeItem(key);
        } else {
            storage.setItem(key, value);
        }
    } catch {
        // private mode: the value lives for this page only
    }
}
