// The WebAuthn ceremonies themselves: the options the API gives turned into what
// navigator.credentials takes (the Level 3 JSON helpers where the browser has them, else a small
// base64url mapping), the credential back into JSON, and what a browser's refusal means. Used by
// Security settings (webauthn.js), the sign-in step (verify.js) and Confirm it's you (stepup.js).
import { api } from "./api.js";

/** Whether this browser can make and use security keys and passkeys. */
export function webauthnSupported() {
    return Boolean(window.isSecureContext && window.PublicKeyCredential && navigator.credentials);
}

function toBase64url(buffer) {
    let binary = "";
    for (const byte of new Uint8Array(buffer)) {
        binary += String.fromCharCode(byte);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function descriptors(list) {
    return (list || []).map((descriptor) => ({ ...descriptor, id: fromBase64url(descriptor.id) }));
}

export function creationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
        return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return {
        ...json,
        challenge: fromBase64url(json.challenge),
        user: { ...json.user, id: fromBase64url(json.user.id) },
        excludeCredentials: descriptors(json.excludeCredentials),
    };
}

function requestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
        return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return { ...json, challenge: fromBase64url(json.challenge), allowCredentials: descriptors(json.allowCredentials) };
}

/** The credential as RegistrationResponseJSON / AuthenticationResponseJSON, without empty members. */
export function credentialJson(credential) {
    let json;
    if (typeof credential.toJSON === "function") {
        json = credential.toJSON();
    } else {
        const response = {};
        for (const name of ["clientDataJSON", "attestationObject", "authenticatorData", "signature", "userHandle"]) {
            if (credential.response[name]) {
                response[name] = toBase64url(credential.response[name]);
            }
        }
        if (typeof credential.response.getTransports === "function") {
            response.transports = credential.response.getTransports();
        }
        json = { id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type, response };
        if (credential.authenticatorAttachment) {
            json.authenticatorAttachment = credential.authenticatorAttachment;
        }
        json.clientExtensionResults = credential.getClientExtensionResults?.() || {};
    }
    for (const [name, value] of Object.entries(json.response)) {
        if (value === null || value === undefined) {
            delete json.response[name];
        }
    }
    if (json.authenticatorAttachment === null || json.authenticatorAttachment === undefined) {
        delete json.authenticatorAttachment;
    }
    return json;
}

/** The browser's refusal or the user's Cancel (a DOMException, not an API answer), in words. */
export function ceremonyFailed(error) {
    if (error?.name === "InvalidStateError") {
        return "This security key or passkey is already added to your account.";
    }
    if (error?.name === "NotAllowedError" || error?.name === "AbortError") {
        return "No security key or passkey was used: the request was cancelled or timed out. Try again.";
    }
    return "This browser could not use a security key or passkey. Try again, or use another way.";
}

export function isApiError(error) {
    return error instanceof Error && "status" in error;
}

/** Signs the sign-in step's challenge with a key; the answer of POST /2fa/verify. */
export async function signInWithKey() {
    const options = await api("POST", "/2fa/webauthn/authenticate/options");
    const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
    return api("POST", "/2fa/verify", { webauthn: credentialJson(credential) });
}
