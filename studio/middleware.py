"""Request ids: one per request, on every log line and in the X-Request-ID response header."""

import re

from django.conf import settings
from log_request_id.middleware import RequestIDMiddleware

# What a proxy's id looks like (nginx's $request_id is 32 hex digits): nothing that could
# forge a log line or fill the logs.
PROXY_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class ProxyRequestIDMiddleware(RequestIDMiddleware):
    """Takes the proxy's X-Request-ID, so that its access log and ours share an id, only
    from the proxy itself (REQUEST_ID_PROXY_ADDRESSES) and only when it looks like an id;
    any other request gets a new one. A client's own header is never trusted: it could
    pass another request's id to hide in the logs, or write into them."""

    def _get_request_id(self, request):
        sent = request.META.get("HTTP_X_REQUEST_ID", "")
        if request.META.get(
            "REMOTE_ADDR"
        ) in settings.REQUEST_ID_PROXY_ADDRESSES and PROXY_REQUEST_ID.fullmatch(sent):
            return sent
        return self._generate_id()
