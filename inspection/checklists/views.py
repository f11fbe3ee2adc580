"""checklists pages (HTML)."""
from flask import Blueprint

bp = Blueprint("checklists", __name__)
