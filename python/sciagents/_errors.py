"""The exceptions of the sciagents module (raised by the extension too)."""


class SciAgentsError(Exception):
    """Base class of every error the module raises."""


class ValidationError(SciAgentsError, ValueError):
    """The workflow (or a parameter given to it) is invalid; the message names step and parameter
    exactly as `sciagents validate` does, one problem per line."""


class RunError(SciAgentsError, RuntimeError):
    """A run could not be carried out (not a step failure: those are in the result)."""


class StepFailed(SciAgentsError, RuntimeError):
    """`sciagents.call` of a task that failed; the message is the step's error."""


class RemoteError(SciAgentsError, ConnectionError):
    """A server could not be reached or refused a request."""
