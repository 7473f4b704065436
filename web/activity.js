// Settings > Security, Recent security activity: GET /2fa/activity, 10 at a time, newest first,
// "Show more" while the API returns a next cursor.
import { api } from "./api.js";
import { showError } from "./errors.js";
import { announce, clearErrors } from "./feedback.js";
import { once } from "./forms.js";
import { $ } from "./state.js";

const METHOD_NAMES = {
    totp: "Authenticator app",
    recovery: "Recovery code",
    sms: "Text message (SMS)",
    assertion: "Recent sign-in",
    device: "Remembered device",
    webauthn: "Security key or passkey",
};
const SIGNED_IN_WITH = {
    totp: "your authenticator app",
    recovery: "a recovery code",
    sms: "a text message (SMS) code",
    device: "a remembered device",
    webauthn: "a security key or passkey",
};
const EVENT_LABELS = {
    totp_enable_started: "Authenticator app setup started",
    totp_activated: "Authenticator app setup link opened",
    totp_enabled: "Authenticator app turned on",
    totp_disabled: "Authenticator app turned off",
    sms_sent: "Text message (SMS) code sent",
    sms_enabled: "Text message (SMS) turned on",
    sms_disabled: "Text message (SMS) turned off",
    sms_send_failed: "A text message could not be sent",
    sms_budget_exhausted: "A text message was not sent: too many were sent in the last hour",
    verify_failed: "Failed sign-in attempt",
    replay_refused: "An already used code was refused",
    lockout_started: "Codes paused for a while after too many wrong ones",
    factor_locked: "Two-factor authentication locked after too many wrong codes",
    recovery_code_used: "Recovery code used",
    recovery_codes_regenerated: "New recovery codes created",
    support_reset: "Two-factor authentication reset by support",
    device_registered: "Device remembered",
    device_revoked: "Remembered device forgotten",
    devices_revoked: "Every remembered device forgotten",
    webauthn_registered: "Security key or passkey added",
    webauthn_renamed: "Security key or passkey renamed",
    webauthn_removed: "Security key or passkey removed",
    webauthn_clone_suspected: "A security key was refused: it may have been copied",
};

/** The next page's cursor; a newer load (a higher generation) drops the answers of older ones. */
let activity = { next: null, generation: 0 };

/** What a wrong code was typed for: the API's "during" (sign-in, setup, change). */
const SETTING_UP = { totp: "setting up the authenticator app", sms: "setting up text message (SMS)" };

function activityLabel(event) {
    if (event.event === "verify_succeeded") {
        return `Signed in with ${SIGNED_IN_WITH[event.method] || "a second factor"}`;
    }
    if (event.event === "verify_failed" || event.event === "replay_refused") {
        const what = event.event === "verify_failed" ? "Wrong code" : "An already used code";
        if (event.during === "setup") {
            return `${what} while ${SETTING_UP[event.method] || "setting up two-factor authentication"}`;
        }
        if (event.during === "change") {
            return `${what} while confirming a change to two-factor authentication`;
        }
        return event.event === "verify_failed" ? "Failed sign-in attempt" : EVENT_LABELS.replay_refused;
    }
    if (event.event === "recovery_code_used" && event.during === "change") {
        return "Recovery code used to confirm a change";
    }
    return EVENT_LABELS[event.event] || String(event.event || "Unknown event");
}

function activityItem(event) {
    const item = document.createElement("li");
    item.tabIndex = -1;
    const what = document.createElement("span");
    what.className = "what";
    what.textContent = activityLabel(event);
    const meta = document.createElement("span");
    meta.className = "meta";
    const parts = [];
    if (event.method) {
        parts.push(document.createTextNode(METHOD_NAMES[event.method] || String(event.method)));
    }
    const at = new Date(event.at);
    if (!Number.isNaN(at.getTime())) {
        const time = document.createElement("time");
        time.dateTime = at.toISOString();
        time.textContent = at.toLocaleString([], { dateStyle: "medium", timeStyle: "medium" });
        parts.push(time);
    }
    const device = [event.browser, event.os].filter((part) => typeof part === "string" && part);
    if (device.length) {
        parts.push(document.createTextNode(device.join(" on ")));
    }
    if (event.sourceIp) {
        parts.push(document.createTextNode(`IP ${event.sourceIp}`));
    }
    parts.forEach((part, index) => {
        meta.append(...(index ? [" · ", part] : [part]));
    });
    if (event.userAgent) {
        meta.title = String(event.userAgent);
    }
    item.append(what, meta);
    return item;
}

/** The first page of events ({@code more} false) or the next one, appended. */
export async function loadActivity(more) {
    const generation = more ? activity.generation : ++activity.generation;
    const errorElement = more ? $("activity-more-error") : $("activity-error");
    let path = "/2fa/activity?limit=10";
    if (more && activity.next) {
        path += `&cursor=${encodeURIComponent(activity.next)}`;
    }
    let page;
    try {
        page = await api("GET", path);
    } catch (error) {
        if (generation === activity.generation) {
            showError($("activity-card"), error, "activity", errorElement);
        }
        return null;
    }
    if (generation !== activity.generation) {
        return null;
    }
    clearErrors($("activity-card"));
    const events = Array.isArray(page.events) ? page.events : [];
    const items = events.map(activityItem);
    const list = $("activity-list");
    if (more) {
        list.append(...items);
    } else {
        list.replaceChildren(...items);
    }
    activity.next = typeof page.next === "string" && page.next ? page.next : null;
    $("activity-more").hidden = !activity.next;
    $("activity-empty").hidden = list.children.length > 0;
    return items[0] || null;
}

/** Empties the list (the session ended); an answer still on its way is dropped. */
export function clearActivity() {
    activity = { next: null, generation: activity.generation + 1 };
    $("activity-list").replaceChildren();
    $("activity-more").hidden = true;
}

export function bindActivity() {
    const more = $("activity-more");
    more.addEventListener("click", once(more, async () => {
        const first = await loadActivity(true);
        if (first) {
            first.focus();
            announce("More activity shown.");
        } else if (!more.hidden) {
            more.focus();
        } else if ($("activity-more-error").hidden) {
            // The last page can be empty: the list was complete already.
            $("activity-title").focus();
            announce("There is no earlier activity.");
        }
    }));
}
