// Calls to the 2FA API: one fetch wrapper, problem+json answers as ApiError, the Retry-After rule,
// and which addresses tokens may be sent to.
import { CONFIG, KEYS, state, storageGet } from "./state.js";

const PROBLEM_PREFIX = "urn:twofa:problem:";

export class ApiError extends Error {
    constructor(status, problem, retryAfter) {
        super(`HTTP ${status}`);
        this.status = status;
        this.problem = problem && typeof problem === "object" ? problem : {};
        this.retryAfter = retryAfter;
    }

    get type() {
        const type = this.problem.type;
        return typeof type === "string" && type.startsWith(PROBLEM_PREFIX) ? type.slice(PROBLEM_PREFIX.length) : "";
    }

    get field() {
        return typeof this.problem.field === "string" ? this.problem.field : null;
    }
}

/** Loopback names only: a request to them never leaves this computer. */
const LOOPBACK_HOST = /^(localhost|127(\.[0-9]{1,3}){3}|\[::1\])$/;

/**
 * Whether tokens and codes may be sent to {@code address}: https, or plain http to this computer
 * only; anything else would cross a network unencrypted, readable and changeable on the way.
 */
export function safeForTokens(address, base) {
    let url;
    try {
        url = base === undefined ? new URL(address) : new URL(address, base);
    } catch {
        return false;
    }
    if (url.username || url.password) {
        return false;
    }
    // URL() has already turned 127.1, 0x7f.0.0.1 and [0:0::1] into 127.0.0.1 and [::1].
    return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOST.test(url.hostname));
}

export function apiBase() {
    const saved = storageGet(localStorage, KEYS.apiBaseUrl);
    // A saved address that tokens must not go to (e.g. saved by an older version) is not used.
    const base = (saved && safeForTokens(saved) ? saved : "") || CONFIG.apiBaseUrl || "";
    return base.replace(/\/+$/, "");
}

export async function api(method, path, body, { auth = true } = {}) {
    const headers = { Accept: "application/json, application/problem+json" };
    const init = { method, headers, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" };
    if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
    }
    if (auth) {
        if (!state.session) {
            throw new ApiError(401, {}, null);
        }
        headers.Authorization = `Bearer ${state.session.token}`;
    }
    let response;
    try {
        response = await fetch(apiBase() + path, init);
    } catch {
        throw new ApiError(0, {}, null);
    }
    let data = null;
    const text = await response.text().catch(() => "");
    if (text) {
        try {
            data = JSON.parse(text);
        } catch {
            data = null;
        }
    }
    if (response.ok) {
        return data || {};
    }
    throw new ApiError(response.status, data, retryAfterOf(response, data));
}

/** Seconds to wait: the Retry-After header (seconds or a date), else the problem's retryAfterSeconds. */
function retryAfterOf(response, data) {
    const header = response.headers.get("Retry-After");
    if (header) {
        const seconds = Number(header);
        if (Number.isFinite(seconds) && seconds >= 0) {
            return Math.ceil(seconds);
        }
        const date = Date.parse(header);
        if (!Number.isNaN(date)) {
            return Math.max(0, Math.ceil((date - Date.now()) / 1000));
        }
    }
    if (data && Number.isFinite(data.retryAfterSeconds)) {
        return Math.max(0, Math.ceil(data.retryAfterSeconds));
    }
    return null;
}
