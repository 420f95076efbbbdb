"""Durations as teachers say them and as machines read them."""


def format_duration(seconds):
    """A hold: “45 seconds”, “3 minutes”, “90 seconds”."""
    if seconds < 60 or seconds % 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def format_time(seconds):
    """A total time as a class plan gives it: “45 s”, “15 min”, “14 min 30 s”."""
    minutes, seconds = divmod(seconds, 60)
    if not minutes:
        return f"{seconds} s"
    return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"


def iso_duration(seconds):
    """An ISO 8601 duration: 30 → "PT30S", 180 → "PT3M", 90 → "PT1M30S"."""
    minutes, seconds = divmod(seconds, 60)
    return (
        "PT"
        + (f"{minutes}M" if minutes else "")
        + (f"{seconds}S" if seconds or not minutes else "")
    )
