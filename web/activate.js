// The activation link (/activate#token=…): the QR code and key, the first code, then the recovery
// codes once. The recovery codes panel is also where new codes from Settings show
// (settings-recovery.js).
import { api, ApiError } from "./api.js";
import { sentence } from "./errors.js";
import { announce, clearErrors, fieldError, release } from "./feedback.js";
import { codeFrom, once, refusedCode, showRunningWait, stillWaiting } from "./forms.js";
import { endSession } from "./session.js";
import { $, productName, state } from "./state.js";

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
export function wipeActivation(all = true) {
    activation = null;
    $("qr").removeAttribute("src");
    $("qr").style.removeProperty("width");
    $("qr").style.removeProperty("height");
    $("otpauth-link").removeAttribute("href");
    $("otpauth-link").hidden = true;
    $("secret").textContent = "";
    $("copy-secret-status").textContent = "";
    $("confirm-code").value = "";
    release("confirm-wait");
    $("confirm-wait").hidden = true;
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
    $("codes-on").hidden = regenerate;
}

/** Shows the codes once, with copy and download, until the user ticks that they saved them. */
export function showRecoveryCodes(codes, context) {
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

/** True while recovery codes are on screen and not yet ticked as saved: leaving would lose them. */
export function codesUnsaved() {
    return recoveryCodes !== null;
}

export const LEAVE_CODES_QUESTION = "Your recovery codes are not saved yet and will not be shown again. "
    + "Leave without them? (You can get new ones later in Settings > Security.)";

/** Pixels per module in the server's QR PNG (SetupKey.QR_MODULE_SCALE), quiet zone included. */
const QR_PNG_PIXELS_PER_MODULE = 6;
/** The box the QR code is shown in (CSS px; .qr in styles.css). */
const QR_BOX = 220;

/**
 * Shows the QR code at a whole number of screen pixels per module, the largest that fits the box:
 * scaled by an uneven factor, some modules come out a pixel wider than their neighbours, which
 * phone cameras (and zxing) read less reliably than an even grid.
 */
function crispQr(image) {
    const modules = image.naturalWidth / QR_PNG_PIXELS_PER_MODULE;
    if (!Number.isInteger(modules) || modules <= 0) {
        return;
    }
    const ratio = window.devicePixelRatio || 1;
    const perModule = Math.max(1, Math.floor((QR_BOX * ratio) / modules));
    const side = `${(modules * perModule) / ratio}px`;
    image.style.width = side;
    image.style.height = side;
}

function showSetup(answer) {
    if (typeof answer.qrCodePng !== "string" || !answer.qrCodePng.startsWith("data:image/png;base64,")) {
        throw new ApiError(502, {}, null);
    }
    activation = { secret: answer.secret.replace(/\s+/g, "") };
    const qr = $("qr");
    qr.onload = () => crispQr(qr);
    qr.src = answer.qrCodePng;
    $("secret").textContent = groupSecret(answer.secret);
    const link = $("otpauth-link");
    if (typeof answer.otpauthUri === "string" && answer.otpauthUri.startsWith("otpauth://")) {
        link.href = answer.otpauthUri;
        link.hidden = false;
    } else {
        link.removeAttribute("href");
        link.hidden = true;
    }
    showActivatePart("activate-setup");
    // The first code counts toward the account's lockout: a wait already running shows at once.
    showRunningWait($("confirm-wait"), [$("confirm-form").querySelector("button[type=submit]")]);
}

/**
 * No link to spend (a reload, or the tab came back from the authenticator app): the caller's
 * pending setup, if its link was opened and it has not expired, shows again (GET /2fa/totp/pending).
 */
async function resumeSetup() {
    showActivatePart("activate-loading");
    try {
        showSetup(await api("GET", "/2fa/totp/pending"));
        $("activate-resumed").hidden = false;
        announce("Your setup is still open: scan the QR code, then enter the code your app shows.");
    } catch (error) {
        if (error.status === 401) {
            endSession(sentence(error, "activation"));
            return;
        }
        let text = "There is no setup waiting for a code. Open the activation link from your email, or go back "
            + "to Security settings and choose Send a new link (or Set up authenticator app).";
        if (error.type === "wrong-state") {
            try {
                const status = await api("GET", "/2fa/status");
                if (status.totp?.enabled) {
                    text = "Two-factor authentication with the authenticator app is already on. If you did not save "
                        + "your recovery codes, choose Get new recovery codes in Security settings.";
                }
            } catch {
                // The first sentence stands.
            }
        } else {
            text = sentence(error, "activation");
        }
        showActivatePart("activate-error");
        $("activate-error-text").textContent = text;
        announce(text);
    }
}

function showActivatePart(part) {
    for (const id of ["activate-loading", "activate-error", "activate-setup", "activate-codes", "activate-done"]) {
        $(id).hidden = id !== part;
    }
}

export async function enterActivate() {
    clearErrors($("view-activate"));
    if (activation) {
        showActivatePart("activate-setup");
        return;
    }
    if (recoveryCodes && codesContext === "enable") {
        showActivatePart("activate-codes");
        return;
    }
    $("activate-resumed").hidden = true;
    const token = state.activationToken;
    if (!token) {
        await resumeSetup();
        return;
    }
    showActivatePart("activate-loading");
    // Spent by this call whatever the answer: the API accepts a link once.
    state.activationToken = null;
    try {
        showSetup(await api("POST", "/2fa/totp/activate", { token }));
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

export function bindActivate() {
    $("copy-secret").addEventListener("click", () => {
        if (activation) {
            copyText(activation.secret, $("copy-secret-status"), "Key copied.", $("secret"));
        }
    });

    const confirmForm = $("confirm-form");
    confirmForm.addEventListener("submit", once(confirmForm, async () => {
        clearErrors(confirmForm);
        if (stillWaiting($("confirm-wait"))) {
            return;
        }
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
            // Wrong codes here count toward the same lockout as the sign-in step, and are said the same way.
            await refusedCode(confirmForm, error, "totp", $("confirm-wait"), [confirmForm.querySelector("button[type=submit]")]);
        }
    }));

    $("codes-copy").addEventListener("click", () => {
        if (recoveryCodes) {
            copyText(recoveryCodes.join("\n"), $("codes-status"), "Recovery codes copied.", $("recovery-codes"));
        }
    });
    $("codes-print").addEventListener("click", () => {
        if (!recoveryCodes) {
            return;
        }
        document.body.classList.add("print-codes");
        try {
            window.print();
        } finally {
            document.body.classList.remove("print-codes");
        }
        $("codes-status").textContent = "Sent to the printer dialog.";
    });
    // Reloading or closing the tab while the codes are unsaved asks first (the browser's own question).
    window.addEventListener("beforeunload", (event) => {
        if (codesUnsaved()) {
            event.preventDefault();
            event.returnValue = "";
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
