# Varnish in front of Studio's gunicorn (docs/deploy.md, "Varnish in front").
#
# Stores only what the site vouches for: public GET/HEAD answers that carry an `xkey` header
# (the surrogate keys studio/edge.py writes) and the hashed static files. A visitor with a
# session always reaches Django and nothing answered to them is kept. The site purges by key
# after each save: `PURGE /` with `xkey-purge: pose-12 poses`, from the `purgers` ACL only.
vcl 4.1;

import std;
import xkey;

# gunicorn (`make serve`). The tests point this at their live server.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the web processes. Add the application hosts when they run elsewhere.
acl purgers {
    "127.0.0.1";
    "::1";
}

# Who may say the client came over HTTPS: the TLS terminator in front (nginx, hitch).
acl tls_terminators {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        } elsif (req.http.xkey) {
            set req.http.n-gone = xkey.purge(req.http.xkey);
        } else {
            return (synth(400, "Say which keys to purge in an xkey-purge header"));
        }
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }

    # Django reads the scheme from X-Forwarded-Proto (DJANGO_BEHIND_PROXY): only the TLS
    # terminator may set it. Varnish itself appends client.ip to X-Forwarded-For, so count
    # it in DJANGO_PROXY_COUNT.
    if (client.ip !~ tls_terminators || !req.http.X-Forwarded-Proto) {
        set req.http.X-Forwarded-Proto = "http";
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # Someone with a session (staff, a student's "Safe for me" conditions) may see a page of
    # their own: never looked up, never stored. The admin and the forms keep their cookies
    # (CSRF). DJANGO_ADMIN_URL other than admin/? Name it here too.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    if (req.url ~ "^/(admin|safe-for-me|markdownx)(/|$)" || req.url ~ "^/healthz") {
        return (pass);
    }
    # Everything else is the same for every visitor: analytics cookies and a stray
    # csrftoken change nothing on a public page, and must not split the cache.
    unset req.http.Cookie;

    # Junk query parameters (campaign tracking) must not multiply entries: drop them, then
    # sort what is left so ?a=1&b=2 and ?b=2&a=1 are one entry.
    if (req.url ~ "(?i)[?&](utm_[a-z]+|fbclid|gclid|gclsrc|dclid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|_gl)=") {
        set req.url = regsuball(req.url, "(?i)[?&](utm_[a-z]+|fbclid|gclid|gclsrc|dclid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|_gl)=[^&]*", "");
        # The first parameter left now follows an "&": make it the query again.
        set req.url = regsub(req.url, "^([^?&]*)&", "\1?");
    }
    set req.url = std.querysort(req.url);
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    # Pages hold absolute URLs (canonical, Open Graph): http and https are two pages.
    hash_data(req.http.X-Forwarded-Proto);
    return (lookup);
}

sub vcl_hit {
    set req.http.X-Cache = "HIT";
}

sub vcl_miss {
    set req.http.X-Cache = "MISS";
}

sub vcl_pass {
    set req.http.X-Cache = "PASS";
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Never store what belongs to one visitor or asks not to be stored.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Surrogate-Control ~ "(?i)no-store"
        || beresp.http.Vary == "*"
        || beresp.ttl <= 0s) {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Only what the site tagged can be purged after an edit, so only that is stored (and
    # the hashed static files, which never change under their name).
    if (!beresp.http.xkey && bereq.url !~ "^/static/") {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # The TTL is the site's s-maxage (else max-age): capped by the site at the next
    # scheduled publication. No serving stale past it unless the site allows it
    # (stale-while-revalidate).
    if (beresp.http.Cache-Control !~ "stale-while-revalidate") {
        set beresp.grace = 0s;
    }
    return (deliver);
}

sub vcl_deliver {
    # The keys name internal ids: they stay between the site and its caches.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    if (req.http.X-Cache) {
        set resp.http.X-Cache = req.http.X-Cache;
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
