"""Native log lines off the terminal while a ``repquest`` command runs (the code lives in sensors)."""

from sensors.native_log import ENV, default_log_path, native_stderr_to_log, quiet_native_logs

__all__ = ["ENV", "default_log_path", "native_stderr_to_log", "quiet_native_logs"]
