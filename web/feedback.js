// Showing errors and news: next to a field, in a message element, and always read out in the
// #announcer live region; and the countdown that holds a "send again" button back.
import { $ } from "./state.js";

/** Error elements counting down to the next allowed send: id -> { timer, button, errorElement }. */
const holds = new Map();

export function announce(text) {
    const region = $("announcer");
    region.textContent = "";
    // A short pause makes screen readers read the same text again when it repeats.
    setTimeout(() => {
        region.textContent = text;
    }, 60);
}

export function isShown(element) {
    return !element.closest("[hidden]");
}

export function clearErrors(scope) {
    scope.querySelectorAll(".error").forEach((element) => {
        if (!holds.has(element.id)) {
            element.textContent = "";
            element.hidden = true;
        }
    });
    scope.querySelectorAll("[aria-invalid]").forEach((element) => element.removeAttribute("aria-invalid"));
}

function errorElementOf(input) {
    return $(`${input.id}-error`);
}

export function fieldError(input, text) {
    const element = errorElementOf(input);
    element.textContent = text;
    element.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
    announce(text);
}

export function messageAt(element, text) {
    element.textContent = text;
    element.hidden = false;
    announce(text);
}

/** Keeps a "send again" button unusable for {@code seconds}, counting down next to it. */
export function holdResend(button, errorElement, seconds, firstText) {
    release(errorElement.id);
    const until = Date.now() + Math.max(1, seconds) * 1000;
    button.setAttribute("aria-disabled", "true");
    const tick = () => {
        const left = Math.ceil((until - Date.now()) / 1000);
        if (left <= 0) {
            release(errorElement.id);
            return;
        }
        errorElement.textContent = left === seconds && firstText ? firstText : `You can ask for a new code in ${left === 1 ? "1 second" : `${left} seconds`}.`;
        errorElement.hidden = false;
    };
    holds.set(errorElement.id, { timer: setInterval(tick, 1000), button, errorElement });
    tick();
}

export function release(id) {
    const hold = holds.get(id);
    if (!hold) {
        return;
    }
    clearInterval(hold.timer);
    holds.delete(id);
    hold.button.removeAttribute("aria-disabled");
    hold.errorElement.textContent = "";
    hold.errorElement.hidden = true;
}

export function held(button) {
    return button.getAttribute("aria-disabled") === "true";
}
