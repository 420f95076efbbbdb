"""Work that follows a change, done once per transaction and only after it commits."""

import itertools

from django.db import transaction

# Numbers each request in order, in every thread, so a run can tell what it covers.
_requests = itertools.count(1)


def on_commit_once(key, function, using=None):
    """Run `function` after the current transaction commits, once however often the changes
    in it ask (eight steps saved are one re-index of their pose, not eight).

    Every request is handed to `transaction.on_commit` (so a savepoint rolled back drops
    its own requests, as Django does), and the first to run does the work for all the
    requests made before it: `function` reads what was committed, which includes their
    changes. Outside a transaction it runs at once, as `transaction.on_commit` does.
    """
    connection = transaction.get_connection(using)
    # When `key`'s work last ran on this connection: the number of the last request then.
    last_run = connection.__dict__.setdefault("after_commit_runs", {})
    requested = next(_requests)

    def run():
        if last_run.get(key, 0) >= requested:
            return  # done since this was asked for
        last_run[key] = next(_requests)
        function()

    transaction.on_commit(run, using)
