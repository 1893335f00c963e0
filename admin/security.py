"""Response headers that keep the browser on the panel's side: no script but the panel's own
files, no framing, no guessing of content types."""

# The panel's pages run only scripts served from its own static folders: user text that slipped
# into a page as markup could not run. Inline styles stay allowed (Bootstrap, Select2 and
# Chart.js set them); they cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_security(app):
    proxies = app.config.get("PROXY_FIX")  # XINFANG_PROXY_FIX: how many proxies sit in front
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        try:
            count = int(proxies)
        except (TypeError, ValueError):
            count = 1
        # the client's address and scheme as the proxy saw them (the login limit counts
        # addresses: behind a proxy without this, every client has the proxy's)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        # pages only: a browser's PDF viewer counts as a plugin, which object-src would refuse
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
