"""Signals other features listen to: a circular was issued (整改 makes its items from it).

The circulars feature does not import the features that follow it; they connect here instead, and the
receivers run inside the issuing transaction, so an error in one undoes the issue.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the issued Circular as sender and `actor=`; receivers flush, never commit.
circular_issued = _signals.signal("circular-issued")
