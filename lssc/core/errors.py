"""Errors raised by services when a business rule refuses an action."""


class DomainError(Exception):
    """A request that the rules of the program do not allow; the message is shown to users."""


class TransitionNotAllowed(DomainError):
    """A status change that the transition table of a model does not allow."""
