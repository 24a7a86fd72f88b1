"""Every error the warehouse raises on purpose, in one hierarchy (as requests does): a caller
can catch FouError for "a failure we explain", and the CLI prints its message without a traceback."""


class FouError(Exception):
    """Base of every error whose message is meant for the person running the load."""


class ConfigError(FouError, ValueError):
    """A configuration file (config/*.yml) or an FOU_ setting is wrong; the message names
    the file, the key and the fix."""


class SourceError(FouError, RuntimeError):
    """A source answered with something we cannot use; the message names source and request."""


class SourceUnreachable(SourceError):
    """The source could not be reached at all (used by `auto` mode to fall back)."""


class RecordFileError(FouError, ValueError):
    """A record file as a whole cannot be read (wrong columns, empty, unreadable)."""


class DbtFailed(FouError, RuntimeError):
    """dbt build (or another dbt command) failed; its own log has the model and test errors."""


class QualityGateFailed(FouError, RuntimeError):
    """An error-level expectation failed: the work database is not published."""

    def __init__(self, message: str, result=None):
        super().__init__(message)
        self.result = result


class PublishRefused(FouError, RuntimeError):
    """The new load lost slices (rows per mart and grain) that the published database has;
    the message lists them and names the override (FOU_ALLOW_SHRINK=1)."""

    def __init__(self, message: str, lost=None):
        super().__init__(message)
        self.lost = lost or []


class NoPublishedDatabase(FouError, FileNotFoundError):
    """No published database yet: every command that reads it says so in this one line."""

    def __init__(self, path):
        super().__init__(f"inget publicerat datalager i {path}: kör först den månatliga laddningen (make run)")
        self.path = path
