"""The follow-up (回头看) blueprint; its route modules join it and create_app imports each of them."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("followup", __name__, url_prefix="/followup")
