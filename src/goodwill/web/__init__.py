"""The web console: server-rendered Jinja2 pages with HTMX; static assets vendored, no CDN."""
