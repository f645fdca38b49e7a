"""The platform's own operations (enroll, refund, expire, …), each one database transaction."""


class OperationRefused(Exception):
    """The state of the data does not allow the operation; the message says why."""
