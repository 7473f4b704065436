// Settings > Security, the authenticator app card: Set up authenticator app (an email with a setup
// link) and Turn off, each a change run through the step-up panel (stepup.js).
import { api } from "./api.js";
import { announce, clearErrors } from "./feedback.js";
import { once } from "./forms.js";
import { refreshStatus, showSuccess } from "./settings.js";
import { changeWithProof } from "./stepup.js";
import { $ } from "./state.js";

export function bindTotpSettings() {
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
        title: "Turn off the authenticator app",
        about: "Signing in will no longer ask for a code from your authenticator app, and your recovery codes "
            + "stop working.",
        action: "Turn off",
        send: (proof) => api("POST", "/2fa/disable", proof),
        done: async () => {
            await refreshStatus();
            $("totp-title").focus();
            showSuccess("The authenticator app is off. Its recovery codes no longer work.");
        },
    };
    $("totp-disable-start").addEventListener("click", () => {
        clearErrors($("totp-card"));
        changeWithProof(totpDisable);
    });
}
