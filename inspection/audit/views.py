"""audit pages (HTML)."""
from flask import Blueprint

bp = Blueprint("audit", __name__)
