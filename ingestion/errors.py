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


class HttpStatusError(SourceError):
    """A source answered with an error status: "<request> answered HTTP <status>: <problem>".
    `status` lets a client react (SCB: 403 = too many cells)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class JsonStatError(SourceError, ValueError):
    """An SCB answer is not the json-stat2 it should be: "scb <answer>: <what is wrong>"."""


class AnswerContradicts(SourceError):
    """An SCB answer contradicts the table's metadata or the selection asked for: "scb: answer
    from <url>: <dimension and what was expected>"; the raw answer is kept under refused/."""


class LoadRunning(FouError):
    """Another load holds the data dir's lock: "a load is already running in <data dir> since
    <time> (pid <pid>)"."""


class RecordFileError(FouError, ValueError):
    """A record file as a whole cannot be read (wrong columns, empty, unreadable)."""


class NoFeeDecided(FouError, LookupError):
    """No fee decided for the year asked (year None: no invoiced fee at all); the message lists
    the fee years there are."""

    def __init__(self, year: int | None, fee_years: list[int]):
        self.year, self.fee_years = year, fee_years
        what = f"no fee decided for {year}" if year is not None else "no invoiced fee"
        super().__init__(f"{what}; fee years: {', '.join(map(str, fee_years)) or 'none'}")


class MeetingError(FouError, ValueError):
    """The report cannot be made for the meeting or year asked for: that year has no data, or
    no steering-group meeting is configured; the message says which."""


class NoPublishedDatabase(FouError, FileNotFoundError):
    """No published warehouse yet: "inget publicerat datalager i <path>: kör först den
    månatliga laddningen (make run)"."""

    def __init__(self, path):
        super().__init__(f"inget publicerat datalager i {path}: kör först den månatliga laddningen (make run)")
        self.path = path


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


class PublicationNotFound(FouError, LookupError):
    """`fou restore`, `--publication`: no kept version, or more than one, has that name: "ingen
    publicering heter <namn> …; `fou publications` listar dem"."""

    def __init__(self, name: str, candidates: list[str]):
        self.name, self.candidates = name, candidates
        if candidates:
            shown = ", ".join(candidates[:3])
            what = f"{len(candidates)} publiceringar börjar med {name} ({shown} …): ange hela namnet"
        else:
            what = f"ingen sparad publicering heter {name}"
        super().__init__(f"{what}; `fou publications` listar de sparade")
