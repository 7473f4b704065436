// Settings > Security, the text message (SMS) card: a number on (the number, while the app is on a
// proof, then the texted code) and off (the bin icon), each run through the step-up panel
// (stepup.js).
import { api } from "./api.js";
import { showError } from "./errors.js";
import { announce, clearErrors, endOf, fieldError, held, holdResend } from "./feedback.js";
import { bindResend, codeFrom, once, refusedCode, sendSmsCode, startCodeWaitUntil, stillWaiting } from "./forms.js";
import { refreshStatus, resetSmsEnable, showSuccess } from "./settings.js";
import { acceptedProofsOf, askingFor, changeWithProof, closeStepUp, openStepUp, phoneOnFile } from "./stepup.js";
import { $ } from "./state.js";

/** The number being turned on, for "Resend code". */
let enablePhone = null;

export function bindSmsSettings() {
    // SMS on: number (and, while the app is on, a proof), then the texted code.
    const enableParts = {
        sentElement: $("sms-enable-sent"),
        codeInput: $("sms-enable-code"),
        resendButton: $("sms-enable-resend"),
        resendError: $("sms-enable-resend-error"),
    };
    const phoneForm = $("sms-enable-form");
    const phoneInput = $("sms-phone");
    const sendButton = $("sms-enable-send");
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
            // The texted code counts toward the account's lockout: a wait the summary counts down
            // holds Turn on text messages too, to the same figure (said after the news of the text).
            const until = endOf("sum-signin");
            if (until > Date.now()) {
                const confirm = $("sms-enable-confirm-form").querySelector("button[type=submit]");
                startCodeWaitUntil($("sms-enable-wait"), [confirm], until);
                announce(`${text} ${$("sms-enable-wait").textContent}`);
            } else {
                announce(text);
            }
        },
        failed: (error) => {
            // Sent without the panel (no proof needed, or the recent sign-in's): a send limit's wait
            // counts down beside Send code, held until it ends. In the panel, the panel counts it down.
            if (error.status === 429 && error.type !== "factor-locked" && askingFor() !== smsEnable) {
                announce(holdResend(sendButton, $("sms-enable-send-error"), error.retryAfter ?? 30));
                return true;
            }
            if (error.field !== "phoneNumber") {
                return false;
            }
            closeStepUp(false);
            showError(phoneForm, error, "sms-send");
            return true;
        },
    };
    phoneForm.addEventListener("submit", once(phoneForm, async () => {
        if (held(sendButton)) {
            announce($("sms-enable-send-error").textContent);
            return;
        }
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
        if (stillWaiting($("sms-enable-wait"))) {
            return;
        }
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
            showSuccess(`Text message (SMS) is on: sign-in codes go to ${answer.sms?.phoneNumber || "your number"}.`);
        } catch (error) {
            // Wrong codes here count toward the same lockout as the sign-in step, and are said the same way.
            await refusedCode(confirmForm, error, "sms", $("sms-enable-wait"), [confirmForm.querySelector("button[type=submit]")]);
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
        title: "Turn off text message (SMS)",
        about: () => `Signing in will no longer text a code to ${phoneOnFile()}, and the number is removed.`,
        action: "Turn off",
        send: (proof) => api("POST", "/2fa/sms/confirm", { purpose: "disable", ...proof }),
        done: async () => {
            await refreshStatus();
            $("sms-title").focus();
            showSuccess("Text message (SMS) is off, and the number was removed.");
        },
    };
    $("sms-disable-start").addEventListener("click", () => {
        clearErrors($("sms-on"));
        changeWithProof(smsDisable);
    });
}
