// What every form shares: one submit at a time, reading a typed code, and texting a code with its
// "Resend code" button (the sign-in step, the step-up panel and adding a number all text one).
import { api } from "./api.js";
import { showError } from "./errors.js";
import { announce, clearErrors, fieldError, held, holdResend, release } from "./feedback.js";

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
