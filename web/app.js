// twofa reference web client, being split into modules: the API, error sentences, feedback,
// forms, session and router are modules already; the screens follow.
import { api, apiBase, ApiError, safeForTokens } from "./api.js";
import { inWords, sentence, showError } from "./errors.js";
import { announce, clearErrors, fieldError, held, holdResend, isShown, messageAt, release } from "./feedback.js";
import { bindResend, codeFrom, once, recoveryCodeFrom, sendSmsCode } from "./forms.js";
import { BASE_PATH, focusHeading, go, setRoute, showView, VIEWS } from "./router.js";
import { claimsOf, endSession, forgetSignIn, freshSignIn, loadSession, onSessionEnd, rememberSignIn, setSession } from "./session.js";
import { $, CONFIG, KEYS, productName, state, storageGet, storageSet } from "./state.js";

// --- signin.js (moves to its own module next) ------------------------------------------------------
// Sign in, step 1 (it stands in for the password): the identity provider's page (signInUrl), a
// pasted token, or the local run's dev sign-in; the API address under Connection; signing out.

function enterSignIn() {
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
function spendSignInState(received) {
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
        go(status.totp?.enabled || status.sms?.enabled ? "verify" : "settings");
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
async function probeDev() {
    try {
        await api("POST", "/dev/token", {}, { auth: false });
        return false;
    } catch (error) {
        return error.status === 400 && error.type === "invalid-request" && error.field === "sub";
    }
}

/** Shows the local run's parts (dev sign-in, Dev inbox) only when its /dev endpoints answer. */
function applyDevMode() {
    document.querySelectorAll("[data-dev-only]").forEach((element) => {
        element.hidden = !state.dev;
    });
    $("token-signin").open = !state.dev;
}

function bindSignIn() {
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

// --- verify.js (moves to its own module next) ------------------------------------------------------
// Sign in, step 2: the second factor (a code from the authenticator app, a recovery code, or a code
// by text message), and what the step answers.

const METHOD_PARTS = { totp: "verify-totp-form", recovery: "verify-recovery-form", sms: "verify-sms" };

/** { methods, phone }: what this account can verify with, from the last status. */
let verify = null;

async function enterVerify() {
    const view = $("view-verify");
    clearErrors(view);
    for (const id of ["verify-none", "verify-wait", "verify-methods", "verify-done", "verify-done-assertion"]) {
        $(id).hidden = true;
    }
    let status;
    try {
        status = await api("GET", "/2fa/status");
    } catch (error) {
        showError(view, error, "status", $("verify-wait"));
        return;
    }
    const methods = [];
    if (status.totp?.enabled) {
        methods.push("totp", "recovery");
    }
    if (status.sms?.enabled) {
        methods.push("sms");
    }
    if (methods.length === 0) {
        $("verify-none").hidden = false;
        return;
    }
    verify = { methods, phone: status.sms?.phoneNumber || "your phone" };
    const wait = $("verify-wait");
    if (status.signIn?.locked) {
        wait.textContent = "Too many failed attempts: two-factor sign-in is locked. Contact support to unlock it.";
        wait.hidden = false;
    } else if (status.signIn?.retryAfterSeconds > 0) {
        wait.textContent = `Too many failed attempts. You can try again ${inWords(status.signIn.retryAfterSeconds)}.`;
        wait.hidden = false;
    }
    $("verify-methods").hidden = false;
    useMethod(methods[0], false);
}

function useMethod(method, moveFocus = true) {
    const methods = verify.methods;
    for (const [name, id] of Object.entries(METHOD_PARTS)) {
        $(id).hidden = name !== method;
    }
    document.querySelectorAll("[data-use-method]").forEach((button) => {
        button.hidden = button.dataset.useMethod === method || !methods.includes(button.dataset.useMethod);
    });
    clearErrors($("verify-methods"));
    if (method === "sms") {
        $("verify-sms-number").textContent = verify.phone;
        $("verify-sms-send-form").hidden = false;
        $("verify-sms-form").hidden = true;
    }
    if (moveFocus) {
        const target = method === "sms" ? $("verify-sms-send-form").querySelector("button") : $(METHOD_PARTS[method]).querySelector("input");
        target.focus();
    }
}

/**
 * The step is done. The answer's {@code assertion} (a signed JWT) is for the app's backend to
 * verify against the API's key set; it is never put on the page. This tab keeps it for a few
 * minutes, to confirm one change in Security settings without asking for a code again.
 */
async function verified(method, answer) {
    $("verify-done-assertion").hidden = typeof answer?.assertion !== "string";
    rememberSignIn(answer?.assertion);
    $("verify-methods").hidden = true;
    $("verify-wait").hidden = true;
    let text = {
        totp: "Verified with your authenticator app.",
        recovery: "Verified with a recovery code. That code cannot be used again.",
        sms: "Verified with the code we sent by text message.",
    }[method] || "Verified.";
    if (method === "recovery") {
        try {
            const status = await api("GET", "/2fa/status");
            text += ` You have ${status.recoveryCodesRemaining} recovery codes left.`;
        } catch {
            // the sentence above is enough
        }
    }
    $("verify-done-text").textContent = text;
    $("verify-done").hidden = false;
    $("verify-done-title").focus();
    announce(`You are signed in. ${text}`);
}

function bindVerify() {
    document.querySelectorAll("[data-use-method]").forEach((button) => {
        button.addEventListener("click", () => useMethod(button.dataset.useMethod));
    });

    const totpForm = $("verify-totp-form");
    totpForm.addEventListener("submit", once(totpForm, async () => {
        clearErrors(totpForm);
        const input = $("verify-code");
        const code = codeFrom(input);
        if (!code) {
            return;
        }
        try {
            const answer = await api("POST", "/2fa/verify", { code });
            input.value = "";
            await verified("totp", answer);
        } catch (error) {
            showError(totpForm, error, "totp");
        }
    }));

    const recoveryForm = $("verify-recovery-form");
    recoveryForm.addEventListener("submit", once(recoveryForm, async () => {
        clearErrors(recoveryForm);
        const input = $("verify-recovery");
        const recoveryCode = recoveryCodeFrom(input);
        if (!recoveryCode) {
            return;
        }
        try {
            const answer = await api("POST", "/2fa/verify", { recoveryCode });
            input.value = "";
            await verified("recovery", answer);
        } catch (error) {
            showError(recoveryForm, error, "recovery");
        }
    }));

    const smsParts = {
        sentElement: $("verify-sms-sent"),
        codeInput: $("verify-sms-code"),
        resendButton: $("verify-sms-resend"),
        resendError: $("verify-sms-resend-error"),
    };
    const sendForm = $("verify-sms-send-form");
    sendForm.addEventListener("submit", once(sendForm, async () => {
        clearErrors(sendForm);
        try {
            const text = await sendSmsCode("login", undefined, smsParts);
            sendForm.hidden = true;
            $("verify-sms-form").hidden = false;
            smsParts.codeInput.focus();
            announce(text);
        } catch (error) {
            showError(sendForm, error, "sms-send", $("verify-sms-send-error"));
        }
    }));
    const smsForm = $("verify-sms-form");
    smsForm.addEventListener("submit", once(smsForm, async () => {
        clearErrors(smsForm);
        const code = codeFrom(smsParts.codeInput);
        if (!code) {
            return;
        }
        try {
            const answer = await api("POST", "/2fa/sms/confirm", { purpose: "login", code });
            smsParts.codeInput.value = "";
            await verified("sms", answer);
        } catch (error) {
            showError(smsForm, error, "sms");
        }
    }));
    bindResend(smsParts, smsForm, () => sendSmsCode("login", undefined, smsParts));
}

// --- stepup.js (moves to its own module next) ------------------------------------------------------
// Confirm it's you (step-up): a proof of a current factor before a factor changes.
//
// While any factor is on, the API changes a factor or the recovery codes only with a proof of
// one the account has, in the same body: "code", "recoveryCode" or "assertion" (README,
// "Changing factors needs a current factor"). Each change in Settings is described once (what it
// sends, where it shows, what follows) and run by changeWithProof(): it reuses this tab's sign-in
// step while that is fresh, else asks in the one panel #stepup-form, which moves into the
// change's .stepup-slot as the recovery codes panel moves.
//
// A change is an object: {@code send} takes the proof (an object to merge into the body),
// {@code done} the answer, {@code failed} (optional) a refusal it says itself; {@code confirm}: the
// panel opens first (the change is confirmed even when the recent sign-in is its proof);
// {@code opener} gets the focus back on Cancel (and aria-expanded, when it has that attribute);
// {@code scope}, {@code slot}, {@code errorElement}, {@code context}, {@code title}, {@code about},
// {@code action}, {@code danger}, {@code smsPurpose} say where and how it shows.

const PROOFS_WITH_APP = ["code", "recoveryCode", "assertion"];
/** Answers about the proof itself, shown next to the field it came from. */
const PROOF_PROBLEMS = new Set(["invalid-code", "too-many-attempts", "factor-locked", "invalid-request"]);
const WAY_FIELDS = { code: "stepup-code", recovery: "stepup-recovery", sms: "stepup-sms-code" };
const WAY_CONTEXTS = { code: "totp", recovery: "recovery", sms: "sms" };
const WAY_WORDS = {
    code: () => "a code from your authenticator app",
    recovery: () => "a recovery code",
    sms: () => `a code we text to ${phoneOnFile()}`,
};

/** { change, ways, way, signIn, smsSent }: the change the panel asks a proof for, while it is open. */
let current = null;

/** The change the panel is asking a proof for, or null. */
function askingFor() {
    return current?.change ?? null;
}

function phoneOnFile() {
    return state.status?.sms?.phoneNumber || "your phone";
}

/** The proofs the API will ask for, as the last status tells: none while no factor is on. */
function expectedProofs() {
    if (state.status?.totp?.enabled) {
        return PROOFS_WITH_APP;
    }
    return state.status?.sms?.enabled ? ["assertion"] : [];
}

function acceptedProofsOf(error) {
    const proofs = error.problem.acceptedProofs;
    return Array.isArray(proofs) ? proofs.filter((proof) => typeof proof === "string") : expectedProofs();
}

/**
 * How the user can give what {@code accepted} names: an "assertion" comes from a sign-in by text
 * message, made in the panel. Turning SMS off takes its own texted code, or a recovery code.
 */
function waysFor(change, accepted) {
    if (change.smsPurpose === "disable") {
        return state.status?.totp?.enabled ? ["sms", "recovery"] : ["sms"];
    }
    const ways = [];
    if (accepted.includes("code")) {
        ways.push("code");
    }
    if (accepted.includes("recoveryCode")) {
        ways.push("recovery");
    }
    if (accepted.includes("assertion") && state.status?.sms?.enabled) {
        ways.push("sms");
    }
    return ways;
}

function whyText(ways, signIn) {
    if (signIn) {
        return "You confirmed it's you when you signed in a moment ago, so no code is needed.";
    }
    if (ways.length === 0) {
        return "To protect your account, this change needs a sign-in of the last few minutes. Complete the "
            + "sign-in step, then come back here.";
    }
    const words = ways.map((way) => WAY_WORDS[way]());
    const list = words.length < 2 ? words[0] : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
    return `To protect your account, confirm it's you with ${list}.`;
}

/**
 * Runs {@code change}. One that is confirmed anyway (turning a factor off, new recovery codes)
 * opens the panel first, with the recent sign-in as its proof when there is one. Any other is sent
 * at once, with the recent sign-in if any, and asks only when the API answers 403
 * step-up-required: the API checks the number or the email address first, so what is wrong with
 * those is said before any code is asked for.
 */
async function changeWithProof(change) {
    const assertion = freshSignIn();
    if (change.confirm) {
        openStepUp(change, { accepted: expectedProofs(), signIn: assertion !== null });
        return;
    }
    closeStepUp(false);
    await attempt(change, assertion ? { assertion } : {}, assertion ? "signin" : null);
}

/**
 * Sends {@code change} with {@code proof}, which came {@code via} this tab's recent sign-in
 * ("signin"), one of the panel's ways ("code", "recovery", "sms"), or nowhere (null: no proof).
 */
async function attempt(change, proof, via) {
    let answer;
    try {
        answer = await change.send(proof);
    } catch (error) {
        if (via === "signin" && (error.type === "invalid-code" || error.type === "step-up-required")) {
            forgetSignIn();
        }
        if (error.type === "step-up-required") {
            openStepUp(change, { accepted: acceptedProofsOf(error) });
        } else if (via === "signin" && error.type === "invalid-code") {
            // Spent already (each proves once) or too old by the API's clock: ask instead.
            openStepUp(change, {
                accepted: expectedProofs(),
                note: "Your recent sign-in could not confirm this change. Confirm it's you another way.",
            });
        } else {
            await refused(change, error, via);
        }
        return;
    }
    if (via === "signin") {
        forgetSignIn();
    }
    closeStepUp(false);
    await change.done(answer);
}

/** Says why the API refused the change: next to the proof it concerns, else in the panel or the change's place. */
async function refused(change, error, via) {
    if (change.failed && (await change.failed(error))) {
        return;
    }
    const form = $("stepup-form");
    if (current?.change !== change || form.hidden) {
        showError(change.scope, error, change.context, change.errorElement);
        return;
    }
    const nextToProof = PROOF_PROBLEMS.has(error.type) && WAY_FIELDS[via] && error.field !== "phoneNumber";
    showError(form, error, WAY_CONTEXTS[via] || change.context, nextToProof ? undefined : $("stepup-error"));
}

/** Shows the panel in the change's slot: with the recent sign-in as the proof, or the ways to give one. */
function openStepUp(change, { accepted = [], signIn = false, note = "" } = {}) {
    const form = $("stepup-form");
    closeStepUp(false);
    const ways = signIn ? [] : waysFor(change, accepted);
    current = { change, ways, signIn, way: null, smsSent: false };
    change.slot.append(form);
    const about = typeof change.about === "function" ? change.about() : change.about || "";
    $("stepup-title").textContent = change.title || "Confirm it's you";
    setKeepingPhone($("stepup-about"), about);
    $("stepup-about").hidden = !about;
    const why = whyText(ways, signIn);
    setKeepingPhone($("stepup-why"), why);
    $("stepup-note").textContent = note;
    $("stepup-note").hidden = !note;
    form.querySelectorAll("[data-stepup-phone]").forEach((element) => {
        element.textContent = phoneOnFile();
    });
    form.querySelectorAll("[data-stepup-choice]").forEach((choice) => {
        choice.hidden = !ways.includes(choice.dataset.stepupChoice);
    });
    $("stepup-ways").hidden = ways.length < 2;
    if (ways.length > 0) {
        $(`stepup-with-${ways[0]}`).checked = true;
    }
    const submit = $("stepup-submit");
    submit.textContent = change.action;
    submit.className = change.danger ? "danger" : "";
    showWay(ways[0] || null);
    form.hidden = false;
    if (change.opener?.hasAttribute("aria-expanded")) {
        change.opener.setAttribute("aria-expanded", "true");
    }
    const first = { code: "stepup-code", recovery: "stepup-recovery", sms: "stepup-sms-send" }[ways[0]];
    $(first || "stepup-title").focus();
    announce([note, why].filter(Boolean).join(" "));
}

/** Sets {@code text}, the masked number in it kept on one line ("+45 •••• ••78"). */
function setKeepingPhone(element, text) {
    const phone = state.status?.sms?.phoneNumber;
    if (!phone) {
        element.textContent = text;
        return;
    }
    element.replaceChildren(...text.split(phone).flatMap((part, index) => {
        if (index === 0) {
            return [part];
        }
        const number = document.createElement("span");
        number.className = "nowrap";
        number.textContent = phone;
        return [number, part];
    }));
}

function showWay(way) {
    const stepUp = current;
    stepUp.way = way;
    $("stepup-form").querySelectorAll("[data-stepup-way]").forEach((part) => {
        part.hidden = part.dataset.stepupWay !== way;
    });
    // A code is texted first; the change's own button comes with the field for it.
    const smsFirst = way === "sms" && !stepUp.smsSent;
    $("stepup-form").querySelector("[data-stepup-way=sms]").hidden = way !== "sms" || smsFirst;
    $("stepup-sms-send").hidden = !smsFirst;
    $("stepup-submit").hidden = !stepUp.signIn && (way === null || smsFirst);
}

function closeStepUp(moveFocus) {
    const stepUp = current;
    const form = $("stepup-form");
    form.hidden = true;
    release("stepup-sms-send-error");
    release("stepup-sms-resend-error");
    form.reset();
    clearErrors(form);
    current = null;
    const opener = stepUp?.change.opener;
    if (opener?.hasAttribute("aria-expanded")) {
        opener.setAttribute("aria-expanded", "false");
    }
    if (moveFocus && opener) {
        opener.focus();
    }
}

/** The texted code: for turning SMS off the code itself, else a sign-in by text message. */
function stepUpSmsPurpose() {
    return current?.change.smsPurpose || "login";
}

async function submitStepUp(smsParts) {
    const stepUp = current;
    if (!stepUp) {
        return;
    }
    const form = $("stepup-form");
    clearErrors(form);
    const change = stepUp.change;
    if (stepUp.signIn) {
        const assertion = freshSignIn();
        if (assertion) {
            await attempt(change, { assertion }, "signin");
        } else {
            openStepUp(change, {
                accepted: expectedProofs(),
                note: "Your sign-in is no longer recent enough to confirm this change. Confirm it's you another way.",
            });
        }
        return;
    }
    if (stepUp.way === "code") {
        const code = codeFrom($("stepup-code"));
        if (code) {
            await attempt(change, { code }, "code");
        }
    } else if (stepUp.way === "recovery") {
        const recoveryCode = recoveryCodeFrom($("stepup-recovery"));
        if (recoveryCode) {
            await attempt(change, { recoveryCode }, "recovery");
        }
    } else if (stepUp.way === "sms" && stepUp.smsSent) {
        const code = codeFrom(smsParts.codeInput);
        if (!code) {
            return;
        }
        if (stepUpSmsPurpose() !== "login") {
            await attempt(change, { code }, "sms");
            return;
        }
        // A sign-in by text message; its assertion is the proof, spent at once.
        let signedIn;
        try {
            signedIn = await api("POST", "/2fa/sms/confirm", { purpose: "login", code });
        } catch (error) {
            showError(form, error, "sms");
            return;
        }
        if (current === stepUp) {
            await attempt(change, { assertion: signedIn.assertion }, "sms");
        }
    }
}

async function sendStepUpSms(smsParts) {
    const stepUp = current;
    const button = $("stepup-sms-send");
    const errorElement = $("stepup-sms-send-error");
    if (!stepUp || held(button)) {
        announce(errorElement.textContent || "Wait a moment before asking for a new code.");
        return;
    }
    clearErrors($("stepup-form"));
    try {
        const text = await sendSmsCode(stepUpSmsPurpose(), undefined, smsParts);
        if (current !== stepUp) {
            return;
        }
        stepUp.smsSent = true;
        showWay("sms");
        smsParts.codeInput.focus();
        announce(text);
    } catch (error) {
        if (error.status === 429) {
            const text = sentence(error, "sms-send");
            holdResend(button, errorElement, error.retryAfter ?? 30, text);
            announce(text);
        } else {
            showError($("stepup-form"), error, "sms-send", errorElement);
        }
    }
}

function bindStepUp() {
    const form = $("stepup-form");
    const smsParts = {
        sentElement: $("stepup-sms-sent"),
        codeInput: $("stepup-sms-code"),
        resendButton: $("stepup-sms-resend"),
        resendError: $("stepup-sms-resend-error"),
    };
    form.addEventListener("submit", once(form, () => {
        // Enter before a code was texted sends one.
        if (current?.way === "sms" && !current.smsSent && !current.signIn) {
            return sendStepUpSms(smsParts);
        }
        return submitStepUp(smsParts);
    }));
    form.querySelector("[data-cancel]").addEventListener("click", () => closeStepUp(true));
    form.querySelectorAll("input[name='stepup-with']").forEach((radio) => {
        radio.addEventListener("change", () => {
            clearErrors(form);
            showWay(radio.value);
        });
    });
    const send = $("stepup-sms-send");
    send.addEventListener("click", once(send, () => sendStepUpSms(smsParts)));
    bindResend(smsParts, form, () => sendSmsCode(stepUpSmsPurpose(), undefined, smsParts));
}

// --- activity.js (moves to its own module next) ----------------------------------------------------
// Settings > Security, Recent security activity: GET /2fa/activity, 10 at a time, newest first,
// "Show more" while the API returns a next cursor.

const METHOD_NAMES = {
    totp: "Authenticator app",
    recovery: "Recovery code",
    sms: "Text message",
    assertion: "Recent sign-in",
};
const SIGNED_IN_WITH = { totp: "your authenticator app", recovery: "a recovery code", sms: "a text message code" };
const EVENT_LABELS = {
    totp_enable_started: "Authenticator app setup started",
    totp_activated: "Authenticator app setup link opened",
    totp_enabled: "Authenticator app turned on",
    totp_disabled: "Authenticator app turned off",
    sms_sent: "Text message code sent",
    sms_enabled: "Text message verification turned on",
    sms_disabled: "Text message verification turned off",
    sms_send_failed: "A text message could not be sent",
    sms_budget_exhausted: "A text message was not sent: too many were sent in the last hour",
    verify_failed: "Failed sign-in attempt",
    replay_refused: "An already used code was refused",
    lockout_started: "Sign-in paused after too many failed attempts",
    factor_locked: "Two-factor sign-in locked after too many failed attempts",
    recovery_code_used: "Recovery code used",
    recovery_codes_regenerated: "New recovery codes created",
    support_reset: "Two-factor authentication reset by support",
};

/** The next page's cursor; a newer load (a higher generation) drops the answers of older ones. */
let activity = { next: null, generation: 0 };

function activityLabel(event) {
    if (event.event === "verify_succeeded") {
        return `Signed in with ${SIGNED_IN_WITH[event.method] || "a second factor"}`;
    }
    return EVENT_LABELS[event.event] || String(event.event || "Unknown event");
}

function activityItem(event) {
    const item = document.createElement("li");
    item.tabIndex = -1;
    const what = document.createElement("span");
    what.className = "what";
    what.textContent = activityLabel(event);
    const meta = document.createElement("span");
    meta.className = "meta";
    const parts = [];
    if (event.method) {
        parts.push(document.createTextNode(METHOD_NAMES[event.method] || String(event.method)));
    }
    const at = new Date(event.at);
    if (!Number.isNaN(at.getTime())) {
        const time = document.createElement("time");
        time.dateTime = at.toISOString();
        time.textContent = at.toLocaleString([], { dateStyle: "medium", timeStyle: "medium" });
        parts.push(time);
    }
    if (event.sourceIp) {
        parts.push(document.createTextNode(`IP ${event.sourceIp}`));
    }
    parts.forEach((part, index) => {
        meta.append(...(index ? [" · ", part] : [part]));
    });
    if (event.userAgent) {
        meta.title = String(event.userAgent);
    }
    item.append(what, meta);
    return item;
}

/** The first page of events ({@code more} false) or the next one, appended. */
async function loadActivity(more) {
    const generation = more ? activity.generation : ++activity.generation;
    const errorElement = more ? $("activity-more-error") : $("activity-error");
    let path = "/2fa/activity?limit=10";
    if (more && activity.next) {
        path += `&cursor=${encodeURIComponent(activity.next)}`;
    }
    let page;
    try {
        page = await api("GET", path);
    } catch (error) {
        if (generation === activity.generation) {
            showError($("activity-card"), error, "activity", errorElement);
        }
        return null;
    }
    if (generation !== activity.generation) {
        return null;
    }
    clearErrors($("activity-card"));
    const events = Array.isArray(page.events) ? page.events : [];
    const items = events.map(activityItem);
    const list = $("activity-list");
    if (more) {
        list.append(...items);
    } else {
        list.replaceChildren(...items);
    }
    activity.next = typeof page.next === "string" && page.next ? page.next : null;
    $("activity-more").hidden = !activity.next;
    $("activity-empty").hidden = list.children.length > 0;
    return items[0] || null;
}

/** Empties the list (the session ended); an answer still on its way is dropped. */
function clearActivity() {
    activity = { next: null, generation: activity.generation + 1 };
    $("activity-list").replaceChildren();
    $("activity-more").hidden = true;
}

function bindActivity() {
    const more = $("activity-more");
    more.addEventListener("click", once(more, async () => {
        const first = await loadActivity(true);
        if (first) {
            first.focus();
            announce("More activity shown.");
        } else if (!more.hidden) {
            more.focus();
        } else if ($("activity-more-error").hidden) {
            // The last page can be empty: the list was complete already.
            $("activity-title").focus();
            announce("There is no earlier activity.");
        }
    }));
}

// --- settings.js (moves to its own module next) ----------------------------------------------------
// Settings > Security: the status of each factor, in the summary and in each card. The changes
// each card offers are in settings-totp.js, settings-recovery.js and settings-sms.js, the proof
// they ask for in stepup.js, the activity list in activity.js.

async function enterSettings() {
    // A panel left open on an earlier visit may no longer match the sign-in or the status.
    closeStepUp(false);
    const session = state.session;
    $("who").textContent = session.email ? `${session.sub} (${session.email})` : session.sub;
    await refreshStatus();
}

/** Reloads the status and, from its first page, the recent activity (every change adds to it). */
async function refreshStatus() {
    const error = $("settings-error");
    try {
        state.status = await api("GET", "/2fa/status");
        error.hidden = true;
        renderStatus();
    } catch (failure) {
        showError($("view-settings"), failure, "status", error);
        return;
    }
    await loadActivity(false);
}

function setBadge(element, text, kind) {
    element.textContent = text;
    element.className = `badge${kind ? ` ${kind}` : ""}`;
}

function renderStatus() {
    const status = state.status;
    const totp = status.totp || {};
    const sms = status.sms || {};
    const signIn = status.signIn || {};

    let totpText = "Off";
    let totpKind = "";
    if (totp.enabled) {
        totpText = "On";
        totpKind = "on";
    } else if (totp.pending === "awaiting_activation") {
        totpText = "Waiting for the email link";
        totpKind = "pending";
    } else if (totp.pending === "awaiting_confirmation") {
        totpText = "Setup not finished";
        totpKind = "pending";
    }
    $("sum-totp").textContent = totpText;
    setBadge($("totp-badge"), totpText, totpKind);
    const smsSummary = $("sum-sms");
    smsSummary.replaceChildren(sms.enabled ? "On" : "Off");
    if (sms.enabled && sms.phoneNumber) {
        const number = document.createElement("span");
        number.className = "detail";
        number.textContent = sms.phoneNumber;
        smsSummary.append(document.createElement("br"), number);
    }
    setBadge($("sms-badge"), sms.enabled ? "On" : "Off", sms.enabled ? "on" : "");
    $("sum-recovery").textContent = totp.enabled ? String(status.recoveryCodesRemaining) : "None";
    $("sum-signin").textContent = signIn.locked
        ? "Locked: contact support"
        : signIn.retryAfterSeconds > 0 ? `Wait ${signIn.retryAfterSeconds} s` : "Open";

    $("totp-off").hidden = totp.enabled;
    $("totp-on").hidden = !totp.enabled;
    $("totp-check-email").hidden = totp.enabled || totp.pending !== "awaiting_activation";
    $("totp-enable").textContent = totp.pending ? "Send a new link" : "Enable 2FA";
    $("totp-off-text").textContent = totp.pending === "awaiting_confirmation"
        ? "Setup was started but not finished. Send a new link to start again."
        : "Protect your account with a code from an authenticator app at each sign-in. We will email you a link to set it up.";
    $("totp-recovery-left").textContent = String(status.recoveryCodesRemaining);

    $("sms-off").hidden = sms.enabled;
    $("sms-on").hidden = !sms.enabled;
    $("sms-number").textContent = sms.phoneNumber || "";
    if (sms.enabled) {
        resetSmsEnable(false);
    }
    // A change whose part of the page is gone (the factor changed meanwhile) asks for nothing.
    const asking = askingFor();
    if (asking && !isShown(asking.slot)) {
        closeStepUp(false);
    }
}

/** The SMS card back to its first step, the number field (the code field emptied). */
function resetSmsEnable(moveFocus) {
    $("sms-enable-form").hidden = false;
    $("sms-enable-confirm-form").hidden = true;
    $("sms-enable-code").value = "";
    clearErrors($("sms-off"));
    if (moveFocus) {
        $("sms-phone").focus();
    }
}

// --- settings-totp.js (moves to its own module next) -----------------------------------------------
// Settings > Security, the authenticator app card: Enable 2FA (an email with a setup link) and
// Disable 2FA, each a change run through the step-up panel (stepup.js).

function bindTotpSettings() {
    // The authenticator app on: an email with a link (SMS-only accounts first prove an SMS sign-in).
    const totpEnable = {
        scope: $("totp-off"),
        slot: $("totp-off-stepup"),
        opener: $("totp-enable"),
        errorElement: $("totp-enable-error"),
        context: "enable",
        about: "We will email you a link to set up your authenticator app.",
        action: "Send the setup link",
        send: (proof) => api("POST", "/2fa/totp/enable", proof),
        done: async () => {
            await refreshStatus();
            $("totp-check-email-title").focus();
            announce("Check your email: we sent you a link to set up your authenticator app.");
        },
    };
    const enable = $("totp-enable");
    enable.addEventListener("click", once(enable, async () => {
        clearErrors($("totp-off"));
        await changeWithProof(totpEnable);
    }));

    const totpDisable = {
        scope: $("totp-on"),
        slot: $("totp-on-stepup"),
        opener: $("totp-disable-start"),
        confirm: true,
        danger: true,
        context: "disable",
        title: "Disable two-factor authentication",
        about: "Signing in will no longer ask for a code from your authenticator app, and your recovery codes "
            + "stop working.",
        action: "Disable 2FA",
        send: (proof) => api("POST", "/2fa/disable", proof),
        done: async () => {
            await refreshStatus();
            $("totp-title").focus();
            announce("Two-factor authentication is off. Its recovery codes no longer work.");
        },
    };
    $("totp-disable-start").addEventListener("click", () => {
        clearErrors($("totp-card"));
        changeWithProof(totpDisable);
    });
}

// --- settings-recovery.js (moves to its own module next) -------------------------------------------
// Settings > Security, Get new recovery codes (while the authenticator app is on): a change run
// through the step-up panel (stepup.js); the codes show once, in the same panel as at setup
// (activate.js).

function bindRecoverySettings() {
    const regenerate = {
        scope: $("totp-on"),
        slot: $("totp-on-stepup"),
        opener: $("regen-start"),
        confirm: true,
        context: "regenerate",
        title: "Get new recovery codes",
        about: "You get 10 new recovery codes, shown once. The codes you have now stop working.",
        action: "Get new codes",
        send: (proof) => api("POST", "/2fa/recovery-codes/regenerate", proof),
        done: async (answer) => {
            showRecoveryCodes(answer.recoveryCodes, "regenerate");
            announce("New recovery codes are ready. Save them: they are shown only now. Your earlier codes no longer work.");
            await refreshStatus();
        },
        failed: async (error) => {
            if (error.type !== "wrong-state") {
                return false;
            }
            closeStepUp(false);
            await refreshStatus();
            messageAt($("regen-error"), sentence(error, "regenerate"));
            $("totp-title").focus();
            return true;
        },
    };
    $("regen-start").addEventListener("click", () => {
        clearErrors($("totp-card"));
        changeWithProof(regenerate);
    });
}

// --- settings-sms.js (moves to its own module next) ------------------------------------------------
// Settings > Security, the text message (SMS) card: a number on (the number, while the app is on a
// proof, then the texted code) and off (the bin icon), each run through the step-up panel
// (stepup.js).

/** The number being turned on, for "Resend code". */
let enablePhone = null;

function bindSmsSettings() {
    // SMS on: number (and, while the app is on, a proof), then the texted code.
    const enableParts = {
        sentElement: $("sms-enable-sent"),
        codeInput: $("sms-enable-code"),
        resendButton: $("sms-enable-resend"),
        resendError: $("sms-enable-resend-error"),
    };
    const phoneForm = $("sms-enable-form");
    const phoneInput = $("sms-phone");
    const smsEnable = {
        scope: phoneForm,
        slot: $("sms-off-stepup"),
        opener: phoneInput,
        context: "sms-send",
        about: () => `We will text a code to ${enablePhone} to check that it is yours.`,
        action: "Confirm and send code",
        send: (proof) => sendSmsCode("enable", enablePhone, enableParts, proof),
        done: (text) => {
            phoneForm.hidden = true;
            $("sms-enable-confirm-form").hidden = false;
            enableParts.codeInput.focus();
            announce(text);
        },
        failed: (error) => {
            if (error.field !== "phoneNumber") {
                return false;
            }
            closeStepUp(false);
            showError(phoneForm, error, "sms-send");
            return true;
        },
    };
    phoneForm.addEventListener("submit", once(phoneForm, async () => {
        clearErrors(phoneForm);
        const phoneNumber = phoneInput.value.trim();
        if (!phoneNumber) {
            fieldError(phoneInput, "Enter your mobile number, starting with + and your country code.");
            return;
        }
        if (!phoneNumber.startsWith("+")) {
            fieldError(phoneInput, "Start the number with + and your country code, e.g. +45 for Denmark.");
            return;
        }
        enablePhone = phoneNumber;
        await changeWithProof(smsEnable);
    }));
    // A proof given for one number is not one for another.
    phoneInput.addEventListener("input", () => {
        if (askingFor() === smsEnable) {
            closeStepUp(false);
        }
    });
    const confirmForm = $("sms-enable-confirm-form");
    confirmForm.querySelector("[data-cancel]").addEventListener("click", () => resetSmsEnable(true));
    confirmForm.addEventListener("submit", once(confirmForm, async () => {
        clearErrors(confirmForm);
        const code = codeFrom(enableParts.codeInput);
        if (!code) {
            return;
        }
        try {
            const answer = await api("POST", "/2fa/sms/confirm", { purpose: "enable", code });
            phoneInput.value = "";
            enablePhone = null;
            await refreshStatus();
            $("sms-title").focus();
            announce(`Text message verification is on for ${answer.sms?.phoneNumber || "your number"}.`);
        } catch (error) {
            showError(confirmForm, error, "sms");
        }
    }));
    // Each proof works once: while the app is on, a new code needs a new one.
    bindResend(enableParts, confirmForm, () => sendSmsCode("enable", enablePhone, enableParts), (error) => {
        resetSmsEnable(false);
        openStepUp(smsEnable, {
            accepted: acceptedProofsOf(error),
            note: "Each confirmation works once: to get a new code, confirm it's you again.",
        });
    });

    // SMS off: the texted code (purpose disable), a recovery code, or the recent sign-in.
    const smsDisable = {
        scope: $("sms-on"),
        slot: $("sms-on-stepup"),
        opener: $("sms-disable-start"),
        errorElement: $("sms-disable-start-error"),
        confirm: true,
        danger: true,
        context: "sms",
        smsPurpose: "disable",
        title: "Turn off text message verification",
        about: () => `Signing in will no longer text a code to ${phoneOnFile()}, and the number is removed.`,
        action: "Turn off",
        send: (proof) => api("POST", "/2fa/sms/confirm", { purpose: "disable", ...proof }),
        done: async () => {
            await refreshStatus();
            $("sms-title").focus();
            announce("Text message verification is off, and the number was removed.");
        },
    };
    $("sms-disable-start").addEventListener("click", () => {
        clearErrors($("sms-on"));
        changeWithProof(smsDisable);
    });
}

// --- activate.js (moves to its own module next) ----------------------------------------------------
// The activation link (/activate#token=…): the QR code and key, the first code, then the recovery
// codes once. The recovery codes panel is also where new codes from Settings show
// (settings-recovery.js).

/** { secret } while the QR code is on screen. */
let activation = null;
/** While the codes are on screen, once. */
let recoveryCodes = null;
/** "enable" | "regenerate": where the codes panel is shown. */
let codesContext = null;

function groupSecret(secret) {
    return secret.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}

/** Takes the secret, QR code and recovery codes off the page; they are shown once. */
function wipeActivation(all = true) {
    activation = null;
    $("qr").removeAttribute("src");
    $("secret").textContent = "";
    $("copy-secret-status").textContent = "";
    $("confirm-code").value = "";
    if (all) {
        recoveryCodes = null;
        $("recovery-codes").replaceChildren();
        $("codes-status").textContent = "";
        $("codes-form").reset();
        clearErrors($("codes-form"));
        if (codesContext === "regenerate") {
            placeCodesPanel("enable");
            $("activate-codes").hidden = true;
        }
    }
}

/** The one recovery codes panel, at setup (the activation screen) or in Settings after new codes. */
function placeCodesPanel(context) {
    codesContext = context;
    const panel = $("activate-codes");
    const regenerate = context === "regenerate";
    if (regenerate) {
        $("regen-codes-slot").append(panel);
    } else {
        $("activate-done").before(panel);
    }
    $("codes-title").setAttribute("aria-level", regenerate ? "3" : "2");
    $("codes-replaced").hidden = !regenerate;
}

/** Shows the codes once, with copy and download, until the user ticks that they saved them. */
function showRecoveryCodes(codes, context) {
    recoveryCodes = Array.isArray(codes) ? codes : [];
    $("recovery-codes").replaceChildren(...recoveryCodes.map((c) => {
        const item = document.createElement("li");
        item.textContent = c;
        return item;
    }));
    $("codes-status").textContent = "";
    $("codes-form").reset();
    placeCodesPanel(context);
    if (context === "regenerate") {
        $("activate-codes").hidden = false;
    } else {
        showActivatePart("activate-codes");
    }
    $("codes-title").focus();
}

function showActivatePart(part) {
    for (const id of ["activate-loading", "activate-error", "activate-setup", "activate-codes", "activate-done"]) {
        $(id).hidden = id !== part;
    }
}

async function enterActivate() {
    clearErrors($("view-activate"));
    if (activation) {
        showActivatePart("activate-setup");
        return;
    }
    if (recoveryCodes && codesContext === "enable") {
        showActivatePart("activate-codes");
        return;
    }
    const token = state.activationToken;
    if (!token) {
        showActivatePart("activate-error");
        $("activate-error-text").textContent = "Open the activation link from your email to continue. "
            + "If you already used it, go back to Security settings and choose Enable 2FA again.";
        return;
    }
    showActivatePart("activate-loading");
    // Spent by this call whatever the answer: the API accepts a link once.
    state.activationToken = null;
    try {
        const answer = await api("POST", "/2fa/totp/activate", { token });
        if (typeof answer.qrCodePng !== "string" || !answer.qrCodePng.startsWith("data:image/png;base64,")) {
            throw new ApiError(502, {}, null);
        }
        activation = { secret: answer.secret.replace(/\s+/g, "") };
        $("qr").src = answer.qrCodePng;
        $("secret").textContent = groupSecret(answer.secret);
        showActivatePart("activate-setup");
        announce("Scan the QR code with your authenticator app, then enter the code it shows.");
    } catch (error) {
        if (error.status === 401) {
            endSession(sentence(error, "activation"));
            return;
        }
        showActivatePart("activate-error");
        const text = sentence(error, "activation");
        $("activate-error-text").textContent = text;
        announce(text);
    }
}

async function copyText(text, statusElement, done, fallbackElement) {
    try {
        await navigator.clipboard.writeText(text);
        statusElement.textContent = done;
    } catch {
        if (fallbackElement) {
            const range = document.createRange();
            range.selectNodeContents(fallbackElement);
            const selection = getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }
        statusElement.textContent = "Copying is not allowed here: the text is selected, press Ctrl+C (⌘C on a Mac).";
    }
}

function bindActivate() {
    $("copy-secret").addEventListener("click", () => {
        if (activation) {
            copyText(activation.secret, $("copy-secret-status"), "Key copied.", $("secret"));
        }
    });

    const confirmForm = $("confirm-form");
    confirmForm.addEventListener("submit", once(confirmForm, async () => {
        clearErrors(confirmForm);
        const input = $("confirm-code");
        const code = codeFrom(input);
        if (!code) {
            return;
        }
        try {
            const answer = await api("POST", "/2fa/totp/confirm", { code });
            wipeActivation(false);
            showRecoveryCodes(answer.recoveryCodes, "enable");
            announce("Two-factor authentication is on. Save your recovery codes: they are shown only now.");
        } catch (error) {
            showError(confirmForm, error, "totp");
        }
    }));

    $("codes-copy").addEventListener("click", () => {
        if (recoveryCodes) {
            copyText(recoveryCodes.join("\n"), $("codes-status"), "Recovery codes copied.", $("recovery-codes"));
        }
    });
    $("codes-download").addEventListener("click", () => {
        if (!recoveryCodes) {
            return;
        }
        const who = state.session?.email || state.session?.sub || "your account";
        const text = `${productName()} recovery codes for ${who}\n`
            + "Each code signs you in once. Keep this file somewhere safe.\n\n"
            + `${recoveryCodes.join("\n")}\n`;
        const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
        const link = document.createElement("a");
        link.href = url;
        link.download = "recovery-codes.txt";
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
        $("codes-status").textContent = "Downloaded recovery-codes.txt.";
    });

    const codesForm = $("codes-form");
    codesForm.addEventListener("submit", (event) => {
        event.preventDefault();
        clearErrors(codesForm);
        if (!$("codes-saved").checked) {
            fieldError($("codes-saved"), "Tick the box once your recovery codes are saved.");
            return;
        }
        if (codesContext === "regenerate") {
            wipeActivation();
            $("regen-start").focus();
            announce("Your new recovery codes are saved. The earlier ones no longer work.");
            return;
        }
        wipeActivation();
        showActivatePart("activate-done");
        $("activate-done-title").focus();
        announce("Two-factor authentication is on.");
    });
}

// --- inbox.js (moves to its own module next) -------------------------------------------------------
// Dev inbox (local run only): the emails and text messages the local run would have sent,
// newest first (GET /dev/outbox).

/** The text with its http(s) links made clickable, built as DOM nodes (never as HTML). */
function linkified(text) {
    const nodes = [];
    for (const part of text.split(/(https?:\/\/[^\s<>"']+)/)) {
        if (/^https?:\/\//.test(part)) {
            const link = document.createElement("a");
            link.href = part;
            link.textContent = part;
            nodes.push(link);
        } else if (part) {
            nodes.push(document.createTextNode(part));
        }
    }
    return nodes;
}

async function loadInbox() {
    const error = $("inbox-error");
    error.hidden = true;
    let messages;
    try {
        messages = await api("GET", "/dev/outbox", undefined, { auth: false });
    } catch (failure) {
        showError($("view-inbox"), failure, "inbox", error);
        return;
    }
    const list = $("inbox-list");
    list.replaceChildren(...(Array.isArray(messages) ? messages : []).map((message) => {
        const item = document.createElement("li");
        item.className = `message ${message.channel}`;
        const meta = document.createElement("p");
        meta.className = "meta";
        const sentAt = new Date(message.sentAt);
        const when = Number.isNaN(sentAt.getTime()) ? "" : ` · ${sentAt.toLocaleString()}`;
        meta.textContent = `${message.channel === "sms" ? "Text message" : "Email"} to ${message.to}${when}`;
        const subject = document.createElement("h2");
        subject.textContent = message.subject || (message.channel === "sms" ? "Text message" : "(no subject)");
        const body = document.createElement("div");
        body.className = "body";
        body.append(...linkified(String(message.body || "")));
        item.append(meta, subject, body);
        return item;
    }));
    $("inbox-empty").hidden = list.children.length > 0;
}

function bindInbox() {
    $("inbox-refresh").addEventListener("click", async () => {
        await loadInbox();
        announce("Inbox refreshed.");
    });
}

// --- main.js (moves to its own module next) --------------------------------------------------------
// twofa reference web client: every flow of the 2FA API from a browser, in plain JavaScript
// modules. No framework, no build step, nothing loaded from elsewhere. This module starts the
// client: it checks config.js, takes what the address carries, binds every screen and routes
// between them. docs/web-client.md maps each module to the screen it serves.

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
        wipeActivation();
    }
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
    // Signing out (or a lost session) leaves nothing of the account on the page.
    onSessionEnd(() => closeStepUp(false));
    onSessionEnd(() => wipeActivation());
    onSessionEnd(clearActivity);
    takeFragmentParameters();
    loadSession();
    bindSignIn();
    bindVerify();
    bindStepUp();
    bindTotpSettings();
    bindRecoverySettings();
    bindActivity();
    bindSmsSettings();
    bindActivate();
    bindInbox();
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
