// Settings > Security, Get new recovery codes (while the authenticator app is on): a change run
// through the step-up panel (stepup.js); the codes show once, in the same panel as at setup
// (activate.js).
import { api } from "./api.js";
import { showRecoveryCodes } from "./activate.js";
import { sentence } from "./errors.js";
import { announce, clearErrors, messageAt } from "./feedback.js";
import { refreshStatus } from "./settings.js";
import { changeWithProof, closeStepUp } from "./stepup.js";
import { $ } from "./state.js";

export function bindRecoverySettings() {
    const regenerate = {
        scope: $("recovery-on"),
        slot: $("recovery-stepup"),
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
            $("recovery-title").focus();
            return true;
        },
    };
    $("regen-start").addEventListener("click", () => {
        clearErrors($("recovery-card"));
        changeWithProof(regenerate);
    });
}
