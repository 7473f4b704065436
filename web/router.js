// The screens and how to get to one: each is a <section id="view-…"> in index.html, chosen by the
// address's fragment (#signin, #verify, #settings, #activate, #inbox). main.js says what entering
// each one does (setRoute).
import { $, productName, state } from "./state.js";

export const VIEWS = ["signin", "verify", "settings", "activate", "inbox"];
const TITLES = {
    signin: "Sign in",
    verify: "Sign-in: two-factor authentication",
    settings: "Two-factor authentication",
    activate: "Set up your authenticator app",
    inbox: "Dev inbox",
};
// The client's own folder: the activation link opens <base>/activate, the page served there.
export const BASE_PATH = location.pathname.replace(/\/activate\/?$/, "/").replace(/[^/]*$/, "");

let route = () => {};

/** {@code handler} shows the screen the address names; main.js sets it once. */
export function setRoute(handler) {
    route = handler;
}

/** Shows {@code view}; when it is the current one already, enters it again. */
export function go(view) {
    if (location.hash === `#${view}`) {
        route();
    } else {
        location.hash = view;
    }
}

export function showView(view) {
    for (const name of VIEWS) {
        $(`view-${name}`).hidden = name !== view;
    }
    $("loading").hidden = true;
    $("nav").hidden = !state.session;
    document.querySelectorAll("[data-nav]").forEach((link) => {
        if (link.dataset.nav === view) {
            link.setAttribute("aria-current", "page");
        } else {
            link.removeAttribute("aria-current");
        }
    });
    document.title = `${TITLES[view]} · ${productName()}`;
}

export function focusHeading(view) {
    const heading = $(`${view}-title`);
    if (heading) {
        heading.focus();
    }
}
