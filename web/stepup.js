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
import { api } from "./api.js";
import { showError, waitStarted } from "./errors.js";
import { announce, clearErrors, countdown, held, holdResend, messageAt, release } from "./feedback.js";
import {
    bindResend, codeFrom, currentWait, once, recoveryCodeFrom, sendSmsCode, showCodeLock, startCodeWait, stillWaiting,
} from "./forms.js";
import { forgetSignIn, freshSignIn } from "./session.js";
import { $, state } from "./state.js";
import { ceremonyFailed, isApiError, signInWithKey } from "./webauthn-ceremony.js";

const PROOFS_WITH_APP = ["code", "recoveryCode", "assertion"];
/** Answers about the proof itself, shown next to the field it came from. */
const PROOF_PROBLEMS = new Set(["invalid-code", "too-many-attempts", "factor-locked", "invalid-request"]);
const WAY_FIELDS = { code: "stepup-code", recovery: "stepup-recovery", sms: "stepup-sms-code" };
const WAY_CONTEXTS = { code: "totp", recovery: "recovery", sms: "sms", key: "webauthn" };
const WAY_WORDS = {
    code: () => "a code from your authenticator app",
    recovery: () => "a recovery code",
    key: () => "your security key or passkey",
    sms: () => `a code we text to ${phoneOnFile()}`,
};

/** { change, ways, way, signIn, smsSent }: the change the panel asks a proof for, while it is open. */
let current = null;

/** The change the panel is asking a proof for, or null. */
export function askingFor() {
    return current?.change ?? null;
}

export function phoneOnFile() {
    return state.status?.sms?.phoneNumber || "your phone";
}

/** The proofs the API will ask for, as the last status tells: none while no factor is on. */
function expectedProofs() {
    if (state.status?.totp?.enabled) {
        return PROOFS_WITH_APP;
    }
    return state.status?.sms?.enabled || state.status?.webauthn?.enabled ? ["assertion"] : [];
}

export function acceptedProofsOf(error) {
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
    if (accepted.includes("assertion") && state.status?.webauthn?.enabled) {
        ways.push("key");
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
export async function changeWithProof(change) {
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
    if (await waitOrLock(error, change)) {
        return;
    }
    const nextToProof = PROOF_PROBLEMS.has(error.type) && WAY_FIELDS[via] && error.field !== "phoneNumber";
    showError(form, error, WAY_CONTEXTS[via] || change.context, nextToProof ? undefined : $("stepup-error"));
    if (waitStarted(error)) {
        const seconds = await currentWait();
        if (seconds > 0 && current?.change === change) {
            startWait(seconds, change);
        }
    }
}

/**
 * A wait or the lock, said in the panel as the sign-in step says it: the same live countdown, with
 * Continue held until it ends; the lock with what it means and whom to contact. True when it was one.
 */
async function waitOrLock(error, change) {
    const form = $("stepup-form");
    if (error.type === "factor-locked" || (error.type === "invalid-code" && error.problem.attemptsBeforeLock === 0)) {
        clearErrors(form);
        showCodeLock($("stepup-wait"));
        return true;
    }
    if (error.status === 429 && error.retryAfter > 0) {
        clearErrors(form);
        startWait(error.retryAfter, change);
        return true;
    }
    return false;
}

function startWait(seconds, change) {
    // Sending a text message is limited too: then the wait is for the next code, not after wrong ones.
    if (change.context === "sms-send") {
        announce(countdown($("stepup-wait"), [$("stepup-submit")], seconds, (words) => `You can ask for a new code ${words}.`));
    } else {
        startCodeWait($("stepup-wait"), [$("stepup-submit")], seconds);
    }
}

/** Shows the panel in the change's slot: with the recent sign-in as the proof, or the ways to give one. */
export function openStepUp(change, { accepted = [], signIn = false, note = "" } = {}) {
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
    const first = { code: "stepup-code", recovery: "stepup-recovery", sms: "stepup-sms-send", key: "stepup-submit" }[ways[0]];
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

export function closeStepUp(moveFocus) {
    const stepUp = current;
    const form = $("stepup-form");
    form.hidden = true;
    release("stepup-sms-send-error");
    release("stepup-sms-resend-error");
    release("stepup-wait");
    $("stepup-wait").hidden = true;
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
    if (stillWaiting($("stepup-wait"))) {
        return;
    }
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
    } else if (stepUp.way === "key") {
        // A sign-in with the key, made in the panel; its assertion is the proof, spent at once.
        let signedIn;
        try {
            signedIn = await signInWithKey();
        } catch (error) {
            if (!isApiError(error)) {
                messageAt($("stepup-error"), ceremonyFailed(error));
            } else if (!(await waitOrLock(error, change))) {
                showError(form, error, "webauthn", $("stepup-error"));
            }
            return;
        }
        if (current === stepUp) {
            await attempt(change, { assertion: signedIn.assertion }, "key");
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
            if (!(await waitOrLock(error, change))) {
                showError(form, error, "sms");
            }
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
        if (error.status === 429 && error.type !== "factor-locked") {
            announce(holdResend(button, errorElement, error.retryAfter ?? 30));
        } else {
            showError($("stepup-form"), error, "sms-send", errorElement);
        }
    }
}

export function bindStepUp() {
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
