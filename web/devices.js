// "Remember this device": after a second factor the browser may make a P-256 key pair whose private
// half it cannot export (WebCrypto, extractable: false), keep it in IndexedDB, and register the
// public half with the assertion that second factor just earned. The next sign-in step asks the API
// for a fresh challenge and signs it with that key, instead of asking for a code. Settings lists the
// account's remembered devices and forgets one or all of them.
import { api, apiBase } from "./api.js";
import { showError } from "./errors.js";
import { announce, clearErrors, messageAt } from "./feedback.js";
import { once } from "./forms.js";
import { forgetSignIn, freshSignIn } from "./session.js";
import { $, state } from "./state.js";

const DATABASE = "twofa-devices";
const STORE = "keys";
/** What the device's key signs: this label, then the challenge (docs/openapi.yaml, DeviceProof). */
const LABEL = "twofa-remembered-device-v1:";
const ECDSA = { name: "ECDSA", namedCurve: "P-256" };

/** WebCrypto needs a secure context (https, or this computer); IndexedDB keeps the key handle. */
function supported() {
    return Boolean(window.isSecureContext && window.crypto?.subtle && window.indexedDB);
}

function base64url(buffer) {
    let binary = "";
    for (const byte of new Uint8Array(buffer)) {
        binary += String.fromCharCode(byte);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** One request on the key store, in its own transaction; its result once the transaction is done. */
function keyStore(mode, request) {
    return new Promise((resolve, reject) => {
        const opening = indexedDB.open(DATABASE, 1);
        opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
            const db = opening.result;
            const transaction = db.transaction(STORE, mode);
            const pending = request(transaction.objectStore(STORE));
            transaction.oncomplete = () => {
                db.close();
                resolve(pending.result);
            };
            transaction.onerror = transaction.onabort = () => {
                db.close();
                reject(transaction.error);
            };
        };
    });
}

/** The key is this browser's for this API and this user only. */
function slot() {
    return `${apiBase()}|${state.session?.sub || ""}`;
}

/** This browser's remembered device for the signed-in user: { id, privateKey, expiresAt }, or null. */
async function localDevice() {
    if (!supported() || !state.session) {
        return null;
    }
    try {
        const device = await keyStore("readonly", (store) => store.get(slot()));
        return device && typeof device.id === "string" && device.privateKey instanceof CryptoKey ? device : null;
    } catch {
        return null;
    }
}

async function forgetLocalDevice() {
    try {
        await keyStore("readwrite", (store) => store.delete(slot()));
    } catch {
        // nothing stored, or storage refused: either way nothing signs any more
    }
}

/**
 * The sign-in step with this browser's remembered device, when it has one for this user and the
 * account is not waiting out failed attempts: true when it signed in ({@code signedIn} got the API's
 * answer), false when the user goes on with a code (and why is shown in #verify-device-failed).
 */
export async function deviceStep(status, signedIn) {
    const note = $("verify-device-failed");
    note.hidden = true;
    if (status.signIn?.locked || status.signIn?.retryAfterSeconds > 0) {
        return false;
    }
    const device = await localDevice();
    if (!device) {
        return false;
    }
    const working = $("verify-device");
    working.hidden = false;
    try {
        const { challenge } = await api("POST", "/2fa/devices/challenge");
        const signature = await crypto.subtle.sign(
            { name: "ECDSA", hash: "SHA-256" },
            device.privateKey,
            new TextEncoder().encode(LABEL + challenge),
        );
        const answer = await api("POST", "/2fa/verify", {
            device: { id: device.id, challenge, signature: base64url(signature) },
        });
        working.hidden = true;
        await signedIn(answer);
        return true;
    } catch (error) {
        working.hidden = true;
        if (error.type === "invalid-code") {
            // Forgotten in Settings (here or elsewhere), expired, or every factor was turned off.
            await forgetLocalDevice();
            messageAt(note, "This device is no longer remembered. Verify another way; you can remember it again afterwards.");
        } else {
            showError($("view-verify"), error, "device", note);
        }
        note.hidden = false;
        return false;
    }
}

/** After a sign-in step by a factor: offers to remember this browser, unless it is remembered already. */
export async function offerToRemember(show) {
    const offer = $("device-offer");
    clearErrors(offer);
    $("device-offer-result").hidden = true;
    $("device-remember").hidden = false;
    offer.hidden = !show || !supported() || (await localDevice()) !== null;
}

async function remember() {
    const offer = $("device-offer");
    clearErrors(offer);
    const assertion = freshSignIn();
    if (!assertion) {
        messageAt($("device-offer-error"), "This sign-in is too old to remember the device. Do the sign-in step again.");
        return;
    }
    try {
        const keys = await crypto.subtle.generateKey(ECDSA, false, ["sign", "verify"]);
        const publicKey = base64url(await crypto.subtle.exportKey("spki", keys.publicKey));
        const answer = await api("POST", "/2fa/devices", { publicKey, assertion });
        // The API spent the assertion: it confirms no change in Security settings any more.
        forgetSignIn();
        await keyStore("readwrite", (store) => store.put(
            { id: answer.id, privateKey: keys.privateKey, expiresAt: answer.expiresAt }, slot()));
        const until = new Date(answer.expiresAt).toLocaleDateString([], { year: "numeric", month: "long", day: "numeric" });
        const text = `This device is remembered until ${until}. The next sign-in step here completes without a code.`;
        $("device-remember").hidden = true;
        const result = $("device-offer-result");
        result.textContent = text;
        result.hidden = false;
        announce(text);
    } catch (error) {
        if (error instanceof Error && !("status" in error)) {
            messageAt($("device-offer-error"), "This browser could not make a key to remember the device.");
            return;
        }
        showError(offer, error, "device", $("device-offer-error"));
    }
}

function shortDate(iso) {
    const at = new Date(iso);
    return Number.isNaN(at.getTime())
        ? ""
        : at.toLocaleString([], { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** Settings > Security, Remembered devices: GET /2fa/devices, each with Forget. */
export async function loadDevices() {
    const list = $("devices-list");
    const error = $("devices-error");
    let devices;
    try {
        devices = (await api("GET", "/2fa/devices")).devices || [];
    } catch (failure) {
        showError($("devices-card"), failure, "devices", error);
        return;
    }
    error.hidden = true;
    const mine = (await localDevice())?.id;
    list.replaceChildren(...devices.map((device) => deviceItem(device, device.id === mine)));
    $("devices-empty").hidden = devices.length > 0;
    $("devices-forget-all").hidden = devices.length === 0;
}

function deviceItem(device, isThisOne) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "what";
    name.textContent = isThisOne ? `${device.name} (this device)` : device.name;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = `Remembered ${shortDate(device.createdAt)} · `
        + (device.lastUsedAt ? `last used ${shortDate(device.lastUsedAt)}` : "not used yet")
        + ` · until ${shortDate(device.expiresAt)}`;
    const forget = document.createElement("button");
    forget.type = "button";
    forget.className = "secondary";
    forget.textContent = "Forget";
    forget.setAttribute("aria-label", `Forget ${name.textContent}`);
    forget.addEventListener("click", once(forget, () => revoke({ id: device.id }, isThisOne)));
    item.append(name, meta, forget);
    return item;
}

async function revoke(body, includesThisOne) {
    try {
        await api("POST", "/2fa/devices/revoke", body);
    } catch (failure) {
        showError($("devices-card"), failure, "devices", $("devices-error"));
        return;
    }
    if (includesThisOne) {
        await forgetLocalDevice();
    }
    await loadDevices();
    announce(body.all ? "Every remembered device is forgotten." : "The device is forgotten.");
}

/** Signing out leaves no device list on the page (the key stays: it is this browser's). */
export function clearDevices() {
    $("devices-list").replaceChildren();
    $("device-offer").hidden = true;
}

export function bindDevices() {
    const offer = $("device-offer");
    offer.addEventListener("submit", once(offer, remember));
    const all = $("devices-forget-all");
    all.addEventListener("click", once(all, () => revoke({ all: true }, true)));
}
