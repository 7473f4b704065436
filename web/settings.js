// Settings > Security: the status of each factor, in the summary and in each card. The changes
// each card offers are in settings-totp.js, settings-recovery.js and settings-sms.js, the proof
// they ask for in stepup.js, the activity list in activity.js.
import { api } from "./api.js";
import { lockedText, showError, supportContact } from "./errors.js";
import { announce, clearErrors, countdownUntil, deadline, endOf, isShown, release } from "./feedback.js";
import { loadActivity } from "./activity.js";
import { askingFor, closeStepUp } from "./stepup.js";
import { $, state } from "./state.js";

export async function enterSettings() {
    // A panel left open on an earlier visit may no longer match the sign-in or the status; errors,
    // typed codes and success messages of that visit are gone too.
    closeStepUp(false);
    clearErrors($("view-settings"));
    $("view-settings").querySelectorAll("input.otp").forEach((input) => {
        input.value = "";
    });
    $("settings-success").hidden = true;
    const session = state.session;
    $("who").textContent = session.email ? `${session.sub} (${session.email})` : session.sub;
    await refreshStatus();
}

/** Reloads the status and, from its first page, the recent activity (every change adds to it). */
export async function refreshStatus() {
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
    const keys = status.webauthn || {};

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
    $("sum-webauthn").textContent = keys.enabled ? String(keys.credentials) : "None";
    setBadge($("webauthn-badge"), keys.enabled ? `${keys.credentials} added` : "Off", keys.enabled ? "on" : "");
    $("sum-recovery").textContent = totp.enabled ? String(status.recoveryCodesRemaining) : "None";
    if (signIn.locked) {
        showCodeEntry(`Locked after 100 wrong codes in a row: contact ${supportContact()}`);
    } else if (signIn.retryAfterSeconds > 0) {
        // A wait this page counts down already keeps its figure (the status rounds it anew).
        const until = deadline(signIn.retryAfterSeconds);
        if (Math.abs(until - endOf("sum-signin")) > 1500) {
            showCodeWait(until);
        }
    } else {
        showCodeEntry(CODE_ENTRY_READY);
    }
    $("locked-note").textContent = signIn.locked ? lockedText() : "";
    $("locked-note").hidden = !signIn.locked;
    const methods = [
        totp.enabled ? "authenticator app" : null,
        sms.enabled ? "text message" : null,
        keys.enabled ? "security keys and passkeys" : null,
    ].filter(Boolean);
    const last = methods.length > 1 ? ` and ${methods.pop()}` : "";
    $("status-line").textContent = methods.length
        ? `On: ${methods.join(", ")}${last}.`
        : "Off: signing in asks only for your password.";
    $("status-line").className = `status-line ${methods.length ? "on" : "off"}`;

    $("totp-off").hidden = totp.enabled;
    $("totp-on").hidden = !totp.enabled;
    $("totp-check-email").hidden = totp.enabled || totp.pending !== "awaiting_activation";
    $("totp-enable").textContent = totp.pending ? "Send a new link" : "Set up authenticator app";
    $("totp-off-text").textContent = totp.pending === "awaiting_confirmation"
        ? "Setup was started but not finished. Send a new link to start again."
        : "Protect your account with a code from an authenticator app at each sign-in. We will email you a link to set it up.";
    // Recovery codes, their own row: how many are left, and the way to a new set.
    const left = Number(status.recoveryCodesRemaining) || 0;
    $("recovery-off").hidden = totp.enabled;
    $("recovery-on").hidden = !totp.enabled;
    $("recovery-left").textContent = String(left);
    $("recovery-low").hidden = !totp.enabled || left > 2;
    setBadge($("recovery-badge"), totp.enabled ? `${left} left` : "None", totp.enabled ? (left > 2 ? "on" : "pending") : "");

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

const CODE_ENTRY_READY = "Ready";

/** The summary's Code entry, when no wait runs: "Ready", or the lock. */
function showCodeEntry(text) {
    release("sum-signin");
    $("sum-signin").textContent = text;
    $("sum-signin").hidden = false;
}

/**
 * The summary's Code entry during a wait after wrong codes, counting down to {@code until} (the
 * deadline of the countdown beside the code field, so the same figure), "Ready" when it ends.
 */
export function showCodeWait(until) {
    countdownUntil($("sum-signin"), [], until, (words) => `Paused after wrong codes: you can try again ${words}`,
        CODE_ENTRY_READY, true);
}

/** A success, shown at the top of the page (beside the screen-reader announcement) and announced. */
export function showSuccess(text) {
    const note = $("settings-success");
    note.textContent = text;
    note.hidden = false;
    announce(text);
}

/** The SMS card back to its first step, the number field (the code field emptied). */
export function resetSmsEnable(moveFocus) {
    $("sms-enable-form").hidden = false;
    $("sms-enable-confirm-form").hidden = true;
    $("sms-enable-code").value = "";
    release("sms-enable-wait");
    $("sms-enable-wait").hidden = true;
    clearErrors($("sms-off"));
    if (moveFocus) {
        $("sms-phone").focus();
    }
}
