// Sign in, step 1 (it stands in for the password): the identity provider's page (signInUrl), a
// pasted token, or the local run's dev sign-in; the API address under Connection; signing out.
import { api, apiBase, safeForTokens } from "./api.js";
import { sentence, showError } from "./errors.js";
import { announce, clearErrors, fieldError } from "./feedback.js";
import { once } from "./forms.js";
import { BASE_PATH, go } from "./router.js";
import { claimsOf, endSession, setSession } from "./session.js";
import { $, CONFIG, KEYS, state, storageGet, storageSet } from "./state.js";

export function enterSignIn() {
    $("signin-link-refused").hidden = !state.signInLinkRefused;
    if (state.signInLinkRefused) {
        announce($("signin-link-refused").textContent);
        state.signInLinkRefused = false;
    }
    $("provider-signin").hidden = !CONFIG.signInUrl;
    const note = $("signin-activation-note");
    if (state.activationToken) {
        note.textContent = "Sign in to finish setting up your authenticator app: the activation link is kept until then.";
        note.hidden = false;
    } else if (state.session) {
        note.hidden = true;
    }
    $("token-signin").open = !state.dev;
    $("api-default").textContent = CONFIG.apiBaseUrl || "this site";
    $("api-base").value = storageGet(localStorage, KEYS.apiBaseUrl) || "";
}

/**
 * Sends the user to the identity provider's page (config.js signInUrl) with a fresh random
 * {@code state}, kept in this tab's sessionStorage: the provider hands it back with the token, and
 * only a token that comes with it is taken.
 */
function startProviderSignIn() {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const nonce = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    storageSet(sessionStorage, KEYS.signInState, nonce);
    const url = new URL(CONFIG.signInUrl, location.href);
    url.searchParams.set("state", nonce);
    if (!url.searchParams.has("redirect_uri")) {
        url.searchParams.set("redirect_uri", `${location.origin}${BASE_PATH}`);
    }
    location.assign(url.href);
}

/** Whether {@code received} is the state this tab sent the provider; either way it is spent. */
export function spendSignInState(received) {
    const expected = storageGet(sessionStorage, KEYS.signInState);
    storageSet(sessionStorage, KEYS.signInState, null);
    return typeof received === "string" && received.length >= 32 && received === expected;
}

async function afterSignIn() {
    $("signin-activation-note").hidden = true;
    announce(`Signed in as ${state.session.sub}.`);
    if (state.activationToken) {
        go("activate");
        return;
    }
    try {
        const status = await api("GET", "/2fa/status");
        go(status.totp?.enabled || status.sms?.enabled || status.webauthn?.enabled ? "verify" : "settings");
    } catch (error) {
        showError($("view-signin"), error, "signin", $("signin-error"));
    }
}

async function devSignIn(sub, email) {
    const form = $("dev-signin-form");
    clearErrors(form);
    if (!sub) {
        fieldError($("dev-sub"), "Enter a user id.");
        return;
    }
    if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) {
        fieldError($("dev-email"), "Enter an email address like ann@example.com, or leave it empty.");
        return;
    }
    try {
        const body = email ? { sub, email } : { sub };
        const answer = await api("POST", "/dev/token", body, { auth: false });
        setSession({ token: answer.token, sub, email, source: "dev" });
        await afterSignIn();
    } catch (error) {
        showError(form, error, "signin", $("dev-sub-error"));
    }
}

/** The local run answers POST /dev/token {} with a problem naming "sub"; a deployed API does not. */
export async function probeDev() {
    try {
        await api("POST", "/dev/token", {}, { auth: false });
        return false;
    } catch (error) {
        return error.status === 400 && error.type === "invalid-request" && error.field === "sub";
    }
}

/** Shows the local run's parts (dev sign-in, Dev inbox) only when its /dev endpoints answer. */
export function applyDevMode() {
    document.querySelectorAll("[data-dev-only]").forEach((element) => {
        element.hidden = !state.dev;
    });
    $("token-signin").open = !state.dev;
}

export function bindSignIn() {
    $("provider-signin-start").addEventListener("click", startProviderSignIn);
    const devForm = $("dev-signin-form");
    devForm.addEventListener("submit", once(devForm, () => devSignIn($("dev-sub").value.trim(), $("dev-email").value.trim())));
    document.querySelectorAll("[data-pick-user]").forEach((button) => {
        button.addEventListener("click", once(devForm, () => {
            $("dev-sub").value = button.dataset.pickUser;
            $("dev-email").value = button.dataset.pickEmail;
            return devSignIn(button.dataset.pickUser, button.dataset.pickEmail);
        }));
    });

    const tokenForm = $("token-signin-form");
    tokenForm.addEventListener("submit", once(tokenForm, async () => {
        clearErrors(tokenForm);
        const input = $("access-token");
        const token = input.value.trim().replace(/^Bearer\s+/i, "");
        const claims = token ? claimsOf(token) : null;
        if (!claims) {
            fieldError(input, token ? "This is not a token: a JWT has three parts separated by dots." : "Paste your token.");
            return;
        }
        setSession({ token, sub: claims.sub || "(no sub claim)", email: claims.email, source: "token" });
        try {
            await api("GET", "/2fa/status");
        } catch (error) {
            setSession(null);
            fieldError(input, error.status === 401
                ? "The API did not accept this token: it may have expired, or be meant for another API."
                : sentence(error, "signin"));
            return;
        }
        input.value = "";
        await afterSignIn();
    }));

    const apiForm = $("api-form");
    apiForm.addEventListener("submit", once(apiForm, async () => {
        clearErrors(apiForm);
        const input = $("api-base");
        const value = input.value.trim();
        if (value && !safeForTokens(value)) {
            fieldError(input, "Enter an address starting with https:// (http:// only for this computer: "
                + "localhost, 127.0.0.1 or [::1]), or leave it empty.");
            return;
        }
        storageSet(localStorage, KEYS.apiBaseUrl, value || null);
        state.dev = await probeDev();
        applyDevMode();
        announce(`Saved. The client now calls ${apiBase() || location.origin}.`);
    }));

    $("sign-out").addEventListener("click", () => {
        endSession(null);
        announce("Signed out.");
    });
}
