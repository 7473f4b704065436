// Settings of the twofa reference web client. An operator hosting these files edits this one.
window.TWOFA_CONFIG = Object.freeze({
    // Base URL of the 2FA API (API Gateway stage URL or custom domain), without a trailing slash,
    // e.g. "https://api.example.com" or "https://abc123.execute-api.eu-west-1.amazonaws.com/dev".
    // Empty: the origin that serves these files, as in the local run (scripts/run-local).
    // Another origin must also be allowed by the page's Content-Security-Policy (connect-src) and
    // by the API's CORS settings: see docs/web-client.md.
    apiBaseUrl: "",

    // The name shown in the page header.
    productName: "TwoFA",
});
