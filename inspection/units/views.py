"""units pages (HTML)."""
from flask import Blueprint

bp = Blueprint("units", __name__)
