// What every form shares: one submit at a time, reading a typed code, what a refused code says (a
// wait counting down live with the button held, the lock), and texting a code with its "Resend
// code" button (the sign-in step, the step-up panel and adding a number all text one).
import { api } from "./api.js";
import { lockedText, showError, WAIT_OVER_TEXT, waitStarted, waitText } from "./errors.js";
import { announce, clearErrors, counting, countdownUntil, deadline, fieldError, held, holdResend, release } from "./feedback.js";

/** Who else shows the account's wait after wrong codes (the summary in Settings): set by main.js. */
let codeWaitWatcher = null;

/** Sets what else follows a wait after wrong codes: {@code watcher(until)}, the wait's deadline. */
export function onCodeWait(watcher) {
    codeWaitWatcher = watcher;
}

/** Forms (and buttons) whose action is running. */
const busy = new WeakSet();

/** Runs one submit at a time per form; a second Enter while the first is in flight does nothing. */
export function once(form, action) {
    return async (event) => {
        if (event) {
            event.preventDefault();
        }
        if (busy.has(form)) {
            return;
        }
        busy.add(form);
        form.setAttribute("aria-busy", "true");
        // A visible loading state: the button that runs the action shows a spinner until it ends
        // (a second press meanwhile does nothing, above).
        const button = form instanceof HTMLButtonElement ? form : form.querySelector("button[type=submit]");
        button?.classList.add("busy");
        try {
            await action();
        } finally {
            busy.delete(form);
            form.removeAttribute("aria-busy");
            button?.classList.remove("busy");
        }
    };
}

/**
 * The wait the lockout runs now, in seconds (GET /2fa/status), after a wrong code that started one:
 * the invalid-code answer says it started, the status says for how long. 0 when none or unknown.
 */
export async function currentWait() {
    try {
        const status = await api("GET", "/2fa/status");
        const seconds = status.signIn?.retryAfterSeconds;
        return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
    } catch {
        return 0;
    }
}

/**
 * A wait after wrong codes (the lockout is one per account, so the same wherever a code is typed):
 * {@code seconds} (the server's Retry-After) counting down live in {@code element}, every button
 * in {@code buttons} held until it ends, and the same figure in the Settings summary.
 */
export function startCodeWait(element, buttons, seconds) {
    startCodeWaitUntil(element, buttons, deadline(seconds));
}

/** {@link startCodeWait} to a deadline a countdown on the page already runs to: the same figure. */
export function startCodeWaitUntil(element, buttons, until) {
    announce(countdownUntil(element, buttons, until, waitText, WAIT_OVER_TEXT));
    codeWaitWatcher?.(until);
}

/**
 * A form that checks codes opened while the account waits or is locked (a reload, another tab's
 * wrong codes): the wait counts down there at once, its buttons held, or the lock is said.
 */
export async function showRunningWait(element, buttons) {
    let status;
    try {
        status = await api("GET", "/2fa/status");
    } catch {
        return;
    }
    if (status.signIn?.locked) {
        showCodeLock(element);
    } else if (status.signIn?.retryAfterSeconds > 0) {
        startCodeWait(element, buttons, status.signIn.retryAfterSeconds);
    }
}

/** The lock after 100 wrong codes in a row, said in {@code element} (a running wait there ends). */
export function showCodeLock(element) {
    release(element.id);
    element.textContent = lockedText();
    element.hidden = false;
    announce(lockedText());
}

/** While a wait counts down in {@code element}, a press says it again instead of sending: true then. */
export function stillWaiting(element) {
    if (counting(element.id)) {
        announce(element.textContent);
        return true;
    }
    return false;
}

/**
 * A refused code, said the same way wherever a code is checked (the sign-in step, the setup's first
 * code, a new number's texted code): a wait or the lock once, in {@code waitElement}, the wait
 * counting down with {@code buttons} held; anything else next to the field, with what the next
 * wrong codes lead to. The wrong code that starts a wait starts its countdown at once.
 */
export async function refusedCode(form, error, context, waitElement, buttons) {
    if (error.type === "too-many-attempts" && error.retryAfter > 0) {
        clearErrors(form);
        startCodeWait(waitElement, buttons, error.retryAfter);
        return;
    }
    if (error.type === "factor-locked" || (error.type === "invalid-code" && error.problem.attemptsBeforeLock === 0)) {
        clearErrors(form);
        showCodeLock(waitElement);
        return;
    }
    showError(form, error, context);
    if (waitStarted(error)) {
        const seconds = await currentWait();
        if (seconds > 0) {
            startCodeWait(waitElement, buttons, seconds);
        }
    }
}

/** A 6-digit code as typed (spaces allowed), or null after showing what is wrong. */
export function codeFrom(input) {
    const code = input.value.replace(/[\s-]/g, "");
    if (!/^[0-9]{6}$/.test(code)) {
        fieldError(input, code ? "The code has 6 digits. Check it and try again." : "Enter the 6-digit code.");
        return null;
    }
    return code;
}

export function recoveryCodeFrom(input) {
    const code = input.value.trim();
    if (!code) {
        fieldError(input, "Enter one of your recovery codes.");
        return null;
    }
    return code;
}

/** Texts a code for {@code purpose}; {@code proof} is the step-up proof enabling a number may need. */
export async function sendSmsCode(purpose, phoneNumber, { sentElement, codeInput, resendButton, resendError }, proof = {}) {
    const body = phoneNumber === undefined ? { purpose, ...proof } : { purpose, phoneNumber, ...proof };
    const sent = await api("POST", "/2fa/sms/send", body);
    const minutes = Math.max(1, Math.round((sent.expiresInSeconds || 300) / 60));
    // A number being turned on is shown as the user typed it, to check it, until it is confirmed; a
    // number on file only ever masked, as the API gives it.
    const to = phoneNumber === undefined ? sent.sentTo : phoneNumber;
    const text = `We sent a code to ${to}. It expires in ${minutes} minutes.`;
    sentElement.textContent = text;
    release(resendError.id);
    resendButton.removeAttribute("aria-disabled");
    codeInput.value = "";
    return text;
}

/**
 * "Resend code" ({@code send} texts it): honours the server's Retry-After by holding the button
 * until then; {@code onStepUp} takes a 403 step-up-required (enabling a number while the app is on).
 */
export function bindResend(parts, scope, send, onStepUp = null) {
    const button = parts.resendButton;
    const errorElement = parts.resendError;
    button.addEventListener("click", once(button, async () => {
        if (held(button)) {
            announce(errorElement.textContent || "Wait a moment before asking for a new code.");
            return;
        }
        clearErrors(scope);
        try {
            const text = await send();
            announce(`New code sent. ${text}`);
            parts.codeInput.focus();
        } catch (error) {
            if (error.type === "step-up-required" && onStepUp) {
                onStepUp(error);
            } else if ((error.status === 429 || error.type === "too-many-attempts") && error.type !== "factor-locked") {
                announce(holdResend(button, errorElement, error.retryAfter ?? 30));
            } else {
                showError(scope, error, "sms-send", errorElement);
            }
        }
    }));
}
