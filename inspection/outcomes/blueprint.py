"""The 处理意见 blueprint; its route modules join it and create_app imports each of them."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")
