"""linkrisk — graph-based risk and linked-entity monitoring for credit-based supervision."""

__version__ = "0.1.0"
