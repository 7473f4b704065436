// Settings of the twofa reference web client. An operator hosting these files edits this one.
window.TWOFA_CONFIG = Object.freeze({
    // Base URL of the 2FA API (API Gateway stage URL or custom domain), without a trailing slash,
    // e.g. "https://api.example.com" or "https://abc123.execute-api.eu-west-1.amazonaws.com/dev".
    // Empty: the origin that serves these files, as in the local run (scripts/run-local).
    // It must be https (plain http only to this computer: localhost, 127.0.0.1, [::1]); otherwise
    // the client refuses to start rather than send tokens and codes unencrypted.
    // Another origin must also be allowed by the page's Content-Security-Policy (connect-src) and
    // by the API's CORS settings: see docs/web-client.md.
    apiBaseUrl: "",

    // The identity provider's sign-in page for this client (https), e.g. an OAuth 2.0 authorization
    // endpoint with client_id and response_type=token in it. "Sign in" opens it with a one-time
    // state (and redirect_uri, this page, unless given here); the provider must come back to
    // <this page>#access_token=<JWT>&state=<that state>. Empty: no such button.
    signInUrl: "",

    // The name shown in the page header.
    productName: "TwoFA",

    // Whom users contact when two-factor authentication is locked after 100 wrong codes (only
    // support can unlock it), e.g. "support@example.com" or "https://example.com/help", shown as
    // text. Empty: "your service's support team".
    supportContact: "",
});
