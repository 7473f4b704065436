// Showing errors and news: next to a field, in a message element, and always read out in the
// #announcer live region; and the one live countdown of a wait the API set, which holds buttons
// back (the sign-in step, Confirm it's you, and every "send again").
import { $ } from "./state.js";

/** Elements counting down a wait: id -> { timer, buttons, element }. */
const holds = new Map();

/** A wait in words, the one way every screen says it: "in 12 seconds", "in 3 minutes (at 14:05)". */
export function inWords(seconds) {
    if (seconds === null || seconds === undefined) {
        return "in a moment";
    }
    if (seconds <= 1) {
        return "in 1 second";
    }
    if (seconds < 90) {
        return `in ${seconds} seconds`;
    }
    const at = new Date(Date.now() + seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return `in ${Math.ceil(seconds / 60)} minutes (at ${at})`;
}

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

/**
 * The live countdown of a wait the API set (its Retry-After, one figure everywhere): each second
 * {@code element} says {@code textFor(words)} ("in 12 seconds"), and every button in
 * {@code buttons} is held (aria-disabled: it still takes the focus, and a press says the wait
 * again) until the wait ends. Then the buttons are released and {@code doneText}, if any, is shown
 * and announced. Returns the first text, for announcing once.
 */
export function countdown(element, buttons, seconds, textFor, doneText = "") {
    return countdownUntil(element, buttons, deadline(seconds), textFor, doneText);
}

/** When a wait of {@code seconds} (at least 1) ends, in Date.now()'s milliseconds. */
export function deadline(seconds) {
    return Date.now() + Math.max(1, seconds) * 1000;
}

/**
 * {@link countdown} to {@code until} (a {@link deadline}): two elements given the same one show
 * the same figure. {@code quiet}: the end is shown, not announced (a summary that follows a wait).
 */
export function countdownUntil(element, buttons, until, textFor, doneText = "", quiet = false) {
    release(element.id);
    buttons.forEach((button) => button.setAttribute("aria-disabled", "true"));
    const hold = { timer: null, buttons, element, until };
    const tick = () => {
        const left = Math.ceil((until - Date.now()) / 1000);
        if (left <= 0) {
            release(element.id);
            if (doneText) {
                element.textContent = doneText;
                element.hidden = false;
                if (!quiet) {
                    announce(doneText);
                }
            }
            return;
        }
        element.textContent = textFor(inWords(left));
        element.hidden = false;
    };
    holds.set(element.id, hold);
    tick();
    if (holds.get(element.id) === hold) {
        hold.timer = setInterval(tick, 1000);
    }
    return element.textContent;
}

/** When the wait counting down in {@code id} ends (Date.now()'s milliseconds), or 0 when none runs. */
export function endOf(id) {
    return holds.get(id)?.until ?? 0;
}

/** Keeps a "send again" button unusable until the wait ends, counting down next to it. */
export function holdResend(button, errorElement, seconds) {
    return countdown(errorElement, [button], seconds, (words) => `You can ask for a new code ${words}.`);
}

/** Whether {@code id} is counting down a wait. */
export function counting(id) {
    return holds.has(id);
}

/** Ends the countdown in {@code id} at once (the form closed): the buttons are released, the text goes. */
export function release(id) {
    const hold = holds.get(id);
    if (!hold) {
        return;
    }
    clearInterval(hold.timer);
    holds.delete(id);
    hold.buttons.forEach((button) => button.removeAttribute("aria-disabled"));
    hold.element.textContent = "";
    hold.element.hidden = true;
}

export function held(button) {
    return button.getAttribute("aria-disabled") === "true";
}
