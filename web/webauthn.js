// Security keys and passkeys (WebAuthn): Settings > Security adds one (register/options, then
// navigator.credentials.create, then register with a name), lists them with Rename and Remove
// (removing is confirmed in the step-up panel, stepup.js), and the sign-in step signs in with one
// (authenticate/options, navigator.credentials.get, then POST /2fa/verify {"webauthn"}); the
// ceremonies themselves are in webauthn-ceremony.js.
import { api } from "./api.js";
import { showError } from "./errors.js";
import { clearErrors, fieldError, messageAt } from "./feedback.js";
import { once } from "./forms.js";
import { refreshStatus, showSuccess } from "./settings.js";
import { changeWithProof, closeStepUp } from "./stepup.js";
import { $ } from "./state.js";
import { ceremonyFailed, creationOptions, credentialJson, isApiError, webauthnSupported } from "./webauthn-ceremony.js";

function shortDate(iso) {
    const at = new Date(iso);
    return Number.isNaN(at.getTime())
        ? ""
        : at.toLocaleString([], { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** The name typed for a key, or null after saying what is wrong. */
function nameFrom(input) {
    const name = input.value.trim();
    if (!name) {
        fieldError(input, "Enter a name for the key, e.g. Blue security key.");
        return null;
    }
    if (name.length > 64) {
        fieldError(input, "Use at most 64 characters.");
        return null;
    }
    return name;
}

/** Settings > Security, Security keys and passkeys: GET /2fa/webauthn/credentials, each with Rename and Remove. */
export async function loadKeys() {
    const error = $("webauthn-error");
    let keys;
    try {
        keys = (await api("GET", "/2fa/webauthn/credentials")).credentials || [];
    } catch (failure) {
        showError($("webauthn-card"), failure, "webauthn", error);
        return;
    }
    error.hidden = true;
    $("webauthn-list").replaceChildren(...keys.map(keyItem));
    $("webauthn-empty").hidden = keys.length > 0;
    $("webauthn-badge").textContent = keys.length ? `${keys.length} added` : "Off";
    $("webauthn-badge").className = `badge${keys.length ? " on" : ""}`;
}

function keyItem(key) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "what";
    name.textContent = key.name;
    const meta = document.createElement("span");
    meta.className = "meta";
    const transports = Array.isArray(key.transports) ? key.transports : [];
    let kind = "Security key";
    if (key.backupEligible) {
        kind = "Synced passkey";
    } else if (transports.includes("internal")) {
        kind = "Passkey on a device";
    }
    meta.textContent = `${kind} · added ${shortDate(key.createdAt)} · `
        + (key.lastUsedAt ? `last used ${shortDate(key.lastUsedAt)}` : "not used yet");
    const buttons = document.createElement("span");
    buttons.className = "button-row";
    const rename = document.createElement("button");
    rename.type = "button";
    rename.className = "secondary";
    rename.textContent = "Rename";
    rename.setAttribute("aria-label", `Rename ${key.name}`);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "danger";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${key.name}`);
    remove.setAttribute("aria-expanded", "false");
    remove.setAttribute("aria-controls", "stepup-form");
    buttons.append(rename, remove);
    const slot = document.createElement("div");
    slot.className = "stepup-slot";
    item.append(name, meta, buttons, slot);
    rename.addEventListener("click", () => openRename(item, key, rename));
    remove.addEventListener("click", () => {
        clearErrors($("webauthn-card"));
        changeWithProof({
            scope: item,
            slot,
            opener: remove,
            errorElement: $("webauthn-error"),
            confirm: true,
            danger: true,
            context: "webauthn",
            title: "Remove security key",
            about: `${key.name} will no longer sign you in.`,
            action: "Remove",
            send: (proof) => api("POST", "/2fa/webauthn/credentials/remove", { id: key.id, ...proof }),
            done: async () => {
                await refreshStatus();
                await loadKeys();
                $("webauthn-title").focus();
                showSuccess(`${key.name} is removed: it no longer signs you in.`);
            },
        });
    });
    return item;
}

/** Rename in place: a name field with Save and Cancel instead of the key's buttons. */
function openRename(item, key, opener) {
    closeStepUp(false);
    item.querySelector("form")?.remove();
    const form = document.createElement("form");
    form.noValidate = true;
    form.className = "rename";
    const field = document.createElement("div");
    field.className = "field";
    const id = `webauthn-rename-${key.id.slice(0, 16).replace(/[^A-Za-z0-9_-]/g, "")}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = `New name for ${key.name}`;
    const input = document.createElement("input");
    input.id = id;
    input.name = "name";
    input.maxLength = 64;
    input.autocomplete = "off";
    input.value = key.name;
    input.dataset.apiField = "name";
    input.dataset.primary = "";
    input.setAttribute("aria-describedby", `${id}-error`);
    const error = document.createElement("p");
    error.id = `${id}-error`;
    error.className = "error";
    error.hidden = true;
    field.append(label, input, error);
    const row = document.createElement("div");
    row.className = "button-row";
    const save = document.createElement("button");
    save.type = "submit";
    save.textContent = "Save name";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "secondary";
    cancel.textContent = "Cancel";
    cancel.dataset.cancel = "";
    row.append(save, cancel);
    form.append(field, row);
    item.append(form);
    cancel.addEventListener("click", () => {
        form.remove();
        opener.focus();
    });
    form.addEventListener("submit", once(form, async () => {
        clearErrors(form);
        const name = nameFrom(input);
        if (!name) {
            return;
        }
        try {
            await api("POST", "/2fa/webauthn/credentials/rename", { id: key.id, name });
        } catch (failure) {
            showError(form, failure, "webauthn");
            return;
        }
        await loadKeys();
        $("webauthn-title").focus();
        showSuccess(`The key is renamed ${name}.`);
    }));
    input.focus();
    input.select();
}

/** Signing out leaves no key list on the page. */
export function clearKeys() {
    $("webauthn-list").replaceChildren();
}

export function bindWebAuthn() {
    const form = $("webauthn-add-form");
    const nameInput = $("webauthn-name");
    let name = "";
    const add = {
        scope: form,
        slot: $("webauthn-stepup"),
        opener: nameInput,
        errorElement: $("webauthn-add-error"),
        context: "webauthn",
        about: () => `Then your browser asks for the security key or passkey to add as ${name}.`,
        action: "Confirm and add key",
        send: async (proof) => {
            const options = await api("POST", "/2fa/webauthn/register/options", proof);
            let credential;
            try {
                credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
            } catch (error) {
                // The proof was spent on these options: the next try asks again.
                throw Object.assign(new Error("ceremony"), { ceremony: error });
            }
            return api("POST", "/2fa/webauthn/register", { credential: credentialJson(credential), name });
        },
        done: async (key) => {
            nameInput.value = "";
            await refreshStatus();
            await loadKeys();
            $("webauthn-title").focus();
            showSuccess(`${key.name || name} is added: it signs you in from now on.`);
        },
        failed: async (error) => {
            if (error.ceremony) {
                closeStepUp(false);
                messageAt($("webauthn-add-error"), ceremonyFailed(error.ceremony));
                return true;
            }
            if (!isApiError(error)) {
                closeStepUp(false);
                messageAt($("webauthn-add-error"), ceremonyFailed(error));
                return true;
            }
            if (error.field === "credential" || error.field === "name" || error.type === "wrong-state") {
                closeStepUp(false);
                showError(form, error, "webauthn", error.field === "name" ? undefined : $("webauthn-add-error"));
                return true;
            }
            return false;
        },
    };
    form.addEventListener("submit", once(form, async () => {
        clearErrors(form);
        if (!webauthnSupported()) {
            messageAt($("webauthn-add-error"), ceremonyFailed(null));
            return;
        }
        const typed = nameFrom(nameInput);
        if (!typed) {
            return;
        }
        name = typed;
        await changeWithProof(add);
    }));
    $("webauthn-unsupported").hidden = webauthnSupported();
}
