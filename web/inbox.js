// Dev inbox (local run only): the emails and text messages the local run would have sent,
// newest first (GET /dev/outbox).
import { api } from "./api.js";
import { showError } from "./errors.js";
import { announce } from "./feedback.js";
import { $ } from "./state.js";

/** The text with its http(s) links made clickable, built as DOM nodes (never as HTML). */
function linkified(text) {
    const nodes = [];
    for (const part of text.split(/(https?:\/\/[^\s<>"']+)/)) {
        if (/^https?:\/\//.test(part)) {
            const link = document.createElement("a");
            link.href = part;
            link.textContent = part;
            nodes.push(link);
        } else if (part) {
            nodes.push(document.createTextNode(part));
        }
    }
    return nodes;
}

export async function loadInbox() {
    const error = $("inbox-error");
    error.hidden = true;
    let messages;
    try {
        messages = await api("GET", "/dev/outbox", undefined, { auth: false });
    } catch (failure) {
        showError($("view-inbox"), failure, "inbox", error);
        return;
    }
    const list = $("inbox-list");
    list.replaceChildren(...(Array.isArray(messages) ? messages : []).map((message) => {
        const item = document.createElement("li");
        item.className = `message ${message.channel}`;
        const meta = document.createElement("p");
        meta.className = "meta";
        const sentAt = new Date(message.sentAt);
        const when = Number.isNaN(sentAt.getTime()) ? "" : ` · ${sentAt.toLocaleString()}`;
        meta.textContent = `${message.channel === "sms" ? "Text message" : "Email"} to ${message.to}${when}`;
        const subject = document.createElement("h2");
        subject.textContent = message.subject || (message.channel === "sms" ? "Text message" : "(no subject)");
        const body = document.createElement("div");
        body.className = "body";
        body.append(...linkified(String(message.body || "")));
        item.append(meta, subject, body);
        return item;
    }));
    $("inbox-empty").hidden = list.children.length > 0;
}

export function bindInbox() {
    $("inbox-refresh").addEventListener("click", async () => {
        await loadInbox();
        announce("Inbox refreshed.");
    });
}
