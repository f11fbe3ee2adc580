"""users pages (HTML)."""
from flask import Blueprint

bp = Blueprint("users", __name__)
