// Sign in, step 2: the second factor (a code from the authenticator app, a recovery code, or a code
// by text message), and what the step answers; a remembered device (devices.js) goes first.
import { api } from "./api.js";
import { deviceStep, offerToRemember } from "./devices.js";
import { lockedText, showError, waitStarted } from "./errors.js";
import { announce, clearErrors, counting, holdResend, messageAt, release } from "./feedback.js";
import {
    bindResend, codeFrom, currentWait, once, recoveryCodeFrom, refusedCode, sendSmsCode, startCodeWait, stillWaiting,
} from "./forms.js";
import { rememberSignIn } from "./session.js";
import { $ } from "./state.js";
import { ceremonyFailed, signInWithKey, webauthnSupported } from "./webauthn-ceremony.js";

const METHOD_PARTS = {
    webauthn: "verify-webauthn-form", totp: "verify-totp-form", recovery: "verify-recovery-form", sms: "verify-sms",
};

/** { methods, phone }: what this account can verify with, from the last status. */
let verify = null;

function verifyButtons() {
    return [...$("verify-methods").querySelectorAll("button[type=submit]")];
}

/**
 * A wait after wrong codes: one figure (the server's Retry-After), counting down live in the banner,
 * every Verify button held until it ends. The wait grows with each further wrong code.
 */
function startWait(seconds) {
    startCodeWait($("verify-wait"), verifyButtons(), seconds);
}

function stopWait() {
    release("verify-wait");
}

/** A refused code: a wait or a lock once, in the banner; anything else next to the field (forms.js). */
function refused(form, error, context) {
    return refusedCode(form, error, context, $("verify-wait"), verifyButtons());
}

/** While a wait runs, a press of Verify says it again instead of sending. */
function waiting() {
    return stillWaiting($("verify-wait"));
}

export async function enterVerify() {
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
    if (status.webauthn?.enabled && webauthnSupported()) {
        methods.push("webauthn");
    }
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
    stopWait();
    if (status.signIn?.locked) {
        wait.textContent = lockedText();
        wait.hidden = false;
    } else if (status.signIn?.retryAfterSeconds > 0) {
        startWait(status.signIn.retryAfterSeconds);
    }
    if (await deviceStep(status, (answer) => verified("device", answer))) {
        return;
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
        const target = method === "sms" ? $("verify-sms-send-form").querySelector("button")
            : $(METHOD_PARTS[method]).querySelector("input, button");
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
    // A remembered device's assertion confirms no change (the API refuses it as a proof).
    if (method !== "device") {
        rememberSignIn(answer?.assertion);
    }
    $("verify-methods").hidden = true;
    stopWait();
    $("verify-wait").hidden = true;
    let text = {
        totp: "Verified with your authenticator app.",
        recovery: "Verified with a recovery code. That code cannot be used again.",
        sms: "Verified with the code we sent by text message.",
        webauthn: "Verified with your security key or passkey.",
        device: "Verified by this remembered device.",
    }[method] || "Verified.";
    if (method === "recovery") {
        try {
            const status = await api("GET", "/2fa/status");
            text += ` You have ${status.recoveryCodesRemaining} recovery codes left.`;
        } catch {
            // the sentence above is enough
        }
    }
    await offerToRemember(method !== "device");
    $("verify-done-text").textContent = text;
    $("verify-done").hidden = false;
    $("verify-done-title").focus();
    announce(`You are signed in. ${text}`);
}

export function bindVerify() {
    document.querySelectorAll("[data-use-method]").forEach((button) => {
        button.addEventListener("click", () => useMethod(button.dataset.useMethod));
    });

    const keyForm = $("verify-webauthn-form");
    keyForm.addEventListener("submit", once(keyForm, async () => {
        clearErrors(keyForm);
        if (waiting()) {
            return;
        }
        try {
            const answer = await signInWithKey();
            await verified("webauthn", answer);
        } catch (error) {
            if (error instanceof Error && !("status" in error)) {
                messageAt($("verify-webauthn-error"), ceremonyFailed(error));
                return;
            }
            if (error.status === 429 || error.type === "factor-locked" || error.problem.attemptsBeforeLock === 0) {
                await refused(keyForm, error, "webauthn");
                return;
            }
            showError(keyForm, error, "webauthn", $("verify-webauthn-error"));
            if (waitStarted(error)) {
                const seconds = await currentWait();
                if (seconds > 0) {
                    startWait(seconds);
                }
            }
        }
    }));

    const totpForm = $("verify-totp-form");
    totpForm.addEventListener("submit", once(totpForm, async () => {
        clearErrors(totpForm);
        if (waiting()) {
            return;
        }
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
            await refused(totpForm, error, "totp");
        }
    }));

    const recoveryForm = $("verify-recovery-form");
    recoveryForm.addEventListener("submit", once(recoveryForm, async () => {
        clearErrors(recoveryForm);
        if (waiting()) {
            return;
        }
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
            await refused(recoveryForm, error, "recovery");
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
        if (counting("verify-sms-send-error")) {
            announce($("verify-sms-send-error").textContent);
            return;
        }
        clearErrors(sendForm);
        try {
            const text = await sendSmsCode("login", undefined, smsParts);
            sendForm.hidden = true;
            $("verify-sms-form").hidden = false;
            smsParts.codeInput.focus();
            announce(text);
        } catch (error) {
            if (error.status === 429 && error.type !== "factor-locked") {
                announce(holdResend(sendForm.querySelector("button[type=submit]"), $("verify-sms-send-error"),
                    error.retryAfter ?? 30));
            } else {
                showError(sendForm, error, "sms-send", $("verify-sms-send-error"));
            }
        }
    }));
    const smsForm = $("verify-sms-form");
    smsForm.addEventListener("submit", once(smsForm, async () => {
        clearErrors(smsForm);
        if (waiting()) {
            return;
        }
        const code = codeFrom(smsParts.codeInput);
        if (!code) {
            return;
        }
        try {
            const answer = await api("POST", "/2fa/sms/confirm", { purpose: "login", code });
            smsParts.codeInput.value = "";
            await verified("sms", answer);
        } catch (error) {
            await refused(smsForm, error, "sms");
        }
    }));
    bindResend(smsParts, smsForm, () => sendSmsCode("login", undefined, smsParts));
}
