// twofa reference web client: every flow of the 2FA API from a browser, in plain JavaScript
// modules. No framework, no build step, nothing loaded from elsewhere. This module starts the
// client: it checks config.js, takes what the address carries, binds every screen and routes
// between them. docs/web-client.md maps each module to the screen it serves.
import { clearActivity, bindActivity } from "./activity.js";
import { bindActivate, codesUnsaved, enterActivate, LEAVE_CODES_QUESTION, wipeActivation } from "./activate.js";
import { bindDevices, clearDevices, loadDevices } from "./devices.js";
import { safeForTokens } from "./api.js";
import { onCodeWait } from "./forms.js";
import { bindInbox, loadInbox } from "./inbox.js";
import { BASE_PATH, VIEWS, focusHeading, go, setRoute, showView } from "./router.js";
import { claimsOf, loadSession, onSessionEnd, setSession } from "./session.js";
import { enterSettings, showCodeWait } from "./settings.js";
import { bindRecoverySettings } from "./settings-recovery.js";
import { bindSmsSettings } from "./settings-sms.js";
import { bindTotpSettings } from "./settings-totp.js";
import { applyDevMode, bindSignIn, enterSignIn, probeDev, spendSignInState } from "./signin.js";
import { $, CONFIG, productName, state } from "./state.js";
import { bindStepUp, closeStepUp } from "./stepup.js";
import { bindVerify, enterVerify } from "./verify.js";
import { bindWebAuthn, clearKeys, loadKeys } from "./webauthn.js";

/** Why the client must not start with config.js as it is, or null. */
function configProblem() {
    const api = CONFIG.apiBaseUrl || "";
    const shown = api ? api : `${location.origin} (this site: apiBaseUrl in config.js is empty)`;
    const rule = "must start with https:// (http:// only for this computer: localhost, 127.0.0.1 or [::1])";
    if (!safeForTokens(api || location.origin, location.href)) {
        return `This client will not start: its API address, ${shown}, ${rule}. Otherwise your sign-in `
            + "token and codes would cross the network unencrypted. The site's operator must correct apiBaseUrl "
            + "in config.js.";
    }
    if (CONFIG.signInUrl && !safeForTokens(CONFIG.signInUrl, location.href)) {
        return `This client will not start: its sign-in page, ${CONFIG.signInUrl}, ${rule}. The site's `
            + "operator must correct signInUrl in config.js.";
    }
    return null;
}

/**
 * Takes what the address's fragment carries — the activation link's {@code token}, or an
 * {@code access_token} handed over by a sign-in page — and removes it from the address bar (and
 * so from history and bookmarks) before any request is made.
 */
function takeFragmentParameters() {
    const fragment = location.hash.slice(1);
    if (!fragment.includes("=")) {
        return;
    }
    const parameters = new URLSearchParams(fragment);
    let next = "settings";
    if (parameters.has("access_token")) {
        const accessToken = parameters.get("access_token");
        const claims = accessToken ? claimsOf(accessToken) : null;
        // Login CSRF: a link can carry a token for the sender's own account, so that the user
        // sets up 2FA (or reads codes) there. A token counts only with the state this tab made.
        if (spendSignInState(parameters.get("state")) && claims) {
            setSession({ token: accessToken, sub: claims.sub, email: claims.email, source: "token" });
        } else {
            state.signInLinkRefused = true;
            next = "signin";
        }
    }
    const token = parameters.get("token");
    if (token) {
        state.activationToken = token;
        wipeActivation(false);
        next = "activate";
    }
    history.replaceState(null, "", `${BASE_PATH}#${next}`);
}

/** Shows the screen the address names, or the one the user must see first, and enters it. */
async function route() {
    takeFragmentParameters();
    let view = location.hash.replace(/^#/, "") || "settings";
    if (!VIEWS.includes(view)) {
        view = "settings";
    }
    if (view !== "activate") {
        // Leaving takes unsaved recovery codes off the page for good: ask first, and stay if the answer is no.
        if (codesUnsaved() && !window.confirm(LEAVE_CODES_QUESTION)) {
            history.replaceState(null, "", `${BASE_PATH}#${state.codesView || "activate"}`);
            return;
        }
        wipeActivation();
    }
    state.codesView = view;
    if (!state.session) {
        view = "signin";
    } else if (state.activationToken && view !== "activate") {
        go("activate");
        return;
    }
    if (view === "inbox" && !state.dev) {
        view = "settings";
    }
    showView(view);
    focusHeading(view);
    switch (view) {
        case "signin":
            return enterSignIn();
        case "verify":
            return enterVerify();
        case "activate":
            return enterActivate();
        case "inbox":
            return loadInbox();
        default:
            loadDevices();
            loadKeys();
            return enterSettings();
    }
}

async function start() {
    $("product-name").textContent = productName();
    const problem = configProblem();
    if (problem) {
        // Nothing else runs: no request, no token taken from the address.
        $("loading").hidden = true;
        $("config-error").textContent = problem;
        $("config-error").hidden = false;
        document.title = `Not started · ${productName()}`;
        document.documentElement.dataset.ready = "true";
        return;
    }
    setRoute(route);
    // A wait after wrong codes, wherever a code was typed, shows in the Settings summary too.
    onCodeWait(showCodeWait);
    // Signing out (or a lost session) leaves nothing of the account on the page.
    onSessionEnd(() => closeStepUp(false));
    onSessionEnd(() => wipeActivation());
    onSessionEnd(clearActivity);
    onSessionEnd(clearDevices);
    onSessionEnd(clearKeys);
    takeFragmentParameters();
    loadSession();
    // Signing out with unsaved recovery codes on screen asks first, too (before the sign-out runs).
    $("sign-out").addEventListener("click", (event) => {
        if (codesUnsaved() && !window.confirm(LEAVE_CODES_QUESTION)) {
            event.stopImmediatePropagation();
            event.preventDefault();
        }
    }, { capture: true });
    // Escape closes the open form (the Confirm it's you panel, the texted-code step): its Cancel.
    document.addEventListener("keydown", (event) => {
        if (event.key !== "Escape") {
            return;
        }
        const cancel = event.target.closest?.("form")?.querySelector("[data-cancel]");
        if (cancel && !cancel.closest("[hidden]")) {
            event.preventDefault();
            cancel.click();
        }
    });
    bindSignIn();
    bindVerify();
    bindStepUp();
    bindTotpSettings();
    bindRecoverySettings();
    bindActivity();
    bindSmsSettings();
    bindActivate();
    bindInbox();
    bindDevices();
    bindWebAuthn();
    // A menu link to the screen already shown starts that screen over (e.g. another sign-in step).
    document.querySelectorAll("[data-nav]").forEach((link) => {
        link.addEventListener("click", (event) => {
            if (location.hash === link.hash) {
                event.preventDefault();
                route();
            }
        });
    });
    state.dev = await probeDev();
    applyDevMode();
    window.addEventListener("hashchange", route);
    await route();
    document.documentElement.dataset.ready = "true";
}

start();
